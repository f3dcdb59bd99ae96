// Placeholder page: proves the renderer reaches the core through the contract (app.info).
// The payroll screens replace it with the UI issue.
// First: React Fast Refresh's setup as a module, because the CSP blocks the inline copy in dev.
import '@vitejs/plugin-react/preamble';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { ContractResult, MethodOutput } from '../shared/contract';
import { api } from './api';

type AppInfo = MethodOutput<'app.info'>;

function Placeholder() {
  const [answer, setAnswer] = useState<ContractResult<AppInfo> | undefined>(undefined);

  useEffect(() => {
    void api.invoke('app.info', {}).then(setAnswer);
  }, []);

  useEffect(() => {
    // The signal browser tests wait for, instead of sleeping.
    if (answer) document.getElementById('root')?.setAttribute('data-app-state', 'loaded');
  }, [answer]);

  return (
    <main>
      <h1>Mshahara</h1>
      <p>The payroll screens arrive with the UI issue.</p>
      {answer === undefined && <p>Connecting to Mshahara…</p>}
      {answer?.ok === true && (
        <dl aria-label="About this Mshahara">
          <dt>Version</dt>
          <dd data-testid="app-version">{answer.value.version}</dd>
          <dt>Profile</dt>
          <dd data-testid="app-profile">{answer.value.profile}</dd>
          <dt>Running as</dt>
          <dd data-testid="app-mode">{answer.value.mode === 'desktop' ? 'desktop app' : 'browser host'}</dd>
        </dl>
      )}
      {answer?.ok === false && (
        <p className="problem" role="alert">
          {answer.error.message}
        </p>
      )}
    </main>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <Placeholder />
    </StrictMode>,
  );
}
