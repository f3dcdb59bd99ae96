// The contract over Electron IPC: one channel, answered for the app's own page only.
// eslint-disable-next-line no-restricted-imports -- types only: the fakes are checked against Electron's own types
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { serveContractOverIpc } from '../../../src/main/shell/ipc';
import { createApi } from '../../../src/main/handlers';
import { MemorySecretStore } from '../../../src/main/secrets/memory-store';
import { ipcChannel } from '../../../src/shared/contract';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

function serve() {
  const handlers = new Map<string, Handler>();
  const ipcMain: Pick<IpcMain, 'handle'> = {
    handle: (channel, listener) => void handlers.set(channel, listener as Handler),
  };
  // No profile is ever opened here: app.info and refusals need none.
  const api = createApi({
    identity: { version: '0.1.0', mode: 'desktop' },
    dataRoot: '/nonexistent/mshahara',
    secrets: new MemorySecretStore(),
    delivery: 'file',
    actor: 'test',
    openProfile: () => Promise.reject(new Error('no profile in this test')),
  });
  serveContractOverIpc(ipcMain, api, (url) => url.startsWith('file:///app/'));
  const call = (frameUrl: string, ...args: unknown[]) =>
    handlers.get(ipcChannel.invoke)?.({ senderFrame: { url: frameUrl } } as IpcMainInvokeEvent, ...args);
  return { handlers, call };
}

describe('serveContractOverIpc', () => {
  it('registers only the invoke channel', () => {
    expect([...serve().handlers.keys()]).toEqual([ipcChannel.invoke]);
  });

  it('answers app.info for the app page', async () => {
    const { call } = serve();
    expect(await call('file:///app/index.html', 'app.info', {})).toEqual({
      ok: true,
      value: {
        version: '0.1.0',
        mode: 'desktop',
        profile: null,
        dataFolder: '/nonexistent/mshahara',
        demoSimulatorUrl: null,
      },
    });
  });

  it('answers unknown methods and bad input with a validation error, not a throw', async () => {
    const { call } = serve();
    expect(await call('file:///app/index.html', 'payroll.payEveryone', {})).toMatchObject({
      ok: false,
      error: { kind: 'validation' },
    });
    expect(await call('file:///app/index.html', 'app.info', { extra: 1 })).toMatchObject({
      ok: false,
      error: { kind: 'validation' },
    });
  });

  it('refuses calls from any other page', async () => {
    const { call } = serve();
    expect(await call('https://evil.example/', 'app.info', {})).toMatchObject({
      ok: false,
      error: { kind: 'validation' },
    });
  });
});
