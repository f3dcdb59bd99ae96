// Serves the contract over Electron IPC: one invoke channel, answered only for the app's own page.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { ipcChannel, type ContractResult } from '../../shared/contract';
import { callContract, type ContractHandlers } from '../transports/dispatch';

export function serveContractOverIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  handlers: ContractHandlers,
  isTrustedPage: (url: string) => boolean,
): void {
  ipcMain.handle(
    ipcChannel.invoke,
    async (event: IpcMainInvokeEvent, method: unknown, input: unknown): Promise<ContractResult<unknown>> => {
      // Only the app's own page may call; a frame that somehow loaded anything else gets nothing.
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedPage(url)) {
        return { ok: false, error: { kind: 'validation', message: 'Only the Mshahara window may call Mshahara.' } };
      }
      return callContract(handlers, method, input);
    },
  );
}
