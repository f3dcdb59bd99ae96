// The renderer's entry: Mantine with Mshahara's theme (variables through the CSSOM, see theme.ts),
// notifications, the dialogs that confirm money moving, and the app.
import '@vitejs/plugin-react/preamble';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { applyThemeVariables, theme } from './theme';

performance.mark('mshahara-start');
applyThemeVariables();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <MantineProvider theme={theme} withCssVariables={false} withGlobalClasses={false} forceColorScheme="light">
        <Notifications position="bottom-right" />
        <ModalsProvider>
          <App />
        </ModalsProvider>
      </MantineProvider>
    </StrictMode>,
  );
}
