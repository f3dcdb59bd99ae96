// The renderer's entry: Mantine with Mshahara's theme (variables through the CSSOM, see theme.ts),
// notifications, the dialogs that confirm money moving, the query client that holds the core's
// answers, and the app inside a last-resort error boundary.
import '@vitejs/plugin-react/preamble';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ScreenBoundary } from './components/ScreenBoundary';
import { createQueryClient } from './lib/queries';
import { applyThemeVariables, theme } from './theme';

performance.mark('mshahara-start');
applyThemeVariables();

const queryClient = createQueryClient();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <MantineProvider theme={theme} withCssVariables={false} withGlobalClasses={false} forceColorScheme="light">
        <QueryClientProvider client={queryClient}>
          <Notifications position="bottom-right" />
          <ModalsProvider>
            <ScreenBoundary what="Mshahara">
              <App />
            </ScreenBoundary>
          </ModalsProvider>
        </QueryClientProvider>
      </MantineProvider>
    </StrictMode>,
  );
}
