// The one bridge between the page and the main process (docs/architecture.md#the-pieces): invoke contract methods and
// subscribe to contract events, by name from the contract, and nothing else.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
// Names only (no schemas): keeps zod out of the sandboxed preload; main validates every input.
import { ipcChannel, isEventName, isMethodName } from '../shared/contract/names';
import type { ContractResult } from '../shared/contract';

const bridge = {
  invoke(method: unknown, input: unknown): Promise<ContractResult<unknown>> {
    if (!isMethodName(method)) {
      return Promise.resolve({
        ok: false,
        error: { kind: 'validation', message: `Mshahara has no method called ${JSON.stringify(method)}.` },
      });
    }
    return ipcRenderer.invoke(ipcChannel.invoke, method, input) as Promise<ContractResult<unknown>>;
  },
  subscribe(event: unknown, handler: unknown): () => void {
    if (!isEventName(event) || typeof handler !== 'function') {
      throw new TypeError(`Mshahara has no event called ${JSON.stringify(event)}.`);
    }
    // The page gets the payload only, never Electron's event object (it would expose the sender).
    const listener = (_ipc: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (name === event) (handler as (payload: unknown) => void)(payload);
    };
    ipcRenderer.on(ipcChannel.event, listener);
    return () => {
      ipcRenderer.removeListener(ipcChannel.event, listener);
    };
  },
};

contextBridge.exposeInMainWorld('mshahara', bridge);
