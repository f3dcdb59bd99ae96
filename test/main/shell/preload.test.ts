// The preload as the page sees it: window.mshahara with invoke and subscribe, for contract names
// only. Electron cannot run here, so contextBridge and ipcRenderer are small fakes of their own API.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ipcChannel, type ContractResult } from '../../../src/shared/contract';

type Listener = (event: unknown, ...args: unknown[]) => void;
const exposed: Record<string, unknown> = {};
const invoked: unknown[][] = [];
const listeners = new Set<Listener>();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => {
      invoked.push(args);
      return Promise.resolve({ ok: true, value: 'from main' });
    },
    on: (channel: string, listener: Listener) => {
      if (channel === ipcChannel.event) listeners.add(listener);
    },
    removeListener: (_channel: string, listener: Listener) => void listeners.delete(listener),
  },
}));

interface Bridge {
  invoke(method: unknown, input: unknown): Promise<ContractResult<unknown>>;
  subscribe(event: unknown, handler: unknown): () => void;
}
let bridge: Bridge;

beforeAll(async () => {
  await import('../../../src/preload/index');
  bridge = exposed.mshahara as Bridge;
});

describe('preload bridge', () => {
  it('exposes only invoke and subscribe, as window.mshahara', () => {
    expect(Object.keys(exposed)).toEqual(['mshahara']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'subscribe']);
  });

  it('passes a contract method to main on the one invoke channel', async () => {
    invoked.length = 0;
    expect(await bridge.invoke('ledger.list', { limit: 10 })).toEqual({ ok: true, value: 'from main' });
    expect(invoked).toEqual([[ipcChannel.invoke, 'ledger.list', { limit: 10 }]]);
  });

  it('refuses an unknown method without ever reaching main', async () => {
    invoked.length = 0;
    for (const name of ['payroll.payEveryone', 'constructor', '__proto__', 'hasOwnProperty', 7]) {
      const result = await bridge.invoke(name, {});
      expect(result).toMatchObject({
        ok: false,
        error: { kind: 'validation', message: expect.stringContaining('Mshahara has no method called') },
      });
    }
    expect(invoked).toEqual([]);
  });

  it('delivers only the subscribed event, with its payload and without Electron’s event object', () => {
    const received: unknown[][] = [];
    const stop = bridge.subscribe('run.progress', (...args: unknown[]) => received.push(args));
    const sender = { sender: 'the main process' };
    for (const listener of listeners) {
      listener(sender, 'run.progress', { runId: 1 });
      listener(sender, 'inbox.changed', { added: 1, needsAction: 0 });
    }
    expect(received).toEqual([[{ runId: 1 }]]);
    stop();
    expect(listeners.size).toBe(0);
  });

  it('refuses to subscribe to an event the contract does not have', () => {
    expect(() => bridge.subscribe('ipc.everything', () => undefined)).toThrow(/no event called/);
    expect(() => bridge.subscribe('run.progress', 'not a function')).toThrow();
    expect(listeners.size).toBe(0);
  });
});
