// Draws a part of the renderer as main.tsx does: Mantine with Mshahara's theme and a fresh query
// client, so no test sees another's cached answers.
import { MantineProvider } from '@mantine/core';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { render, type RenderResult } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createQueryClient } from '../../../src/renderer/lib/queries';
import { theme } from '../../../src/renderer/theme';

export function renderWithProviders(ui: ReactNode): RenderResult & { client: QueryClient } {
  const client = createQueryClient();
  const result = render(
    <MantineProvider theme={theme} withCssVariables={false} withGlobalClasses={false} forceColorScheme="light">
      <QueryClientProvider client={client}>{ui}</QueryClientProvider>
    </MantineProvider>,
  );
  return { ...result, client };
}
