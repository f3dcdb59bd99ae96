// Serves the contract over Electron IPC: one invoke channel, answered only for the app's own page.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { ipcChannel, type ContractResult } from '../../shared/contract';
import { callContract } from '../transports/dispatch';
import type { ContractDoors } from '../transports/browser-host/websocket';

export function serveContractOverIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  { handlers, newDoor }: ContractDoors,
  isTrustedPage: (url: string) => boolean,
): void {
  // The window is one door: whoever signs in there is who every call from it comes from.
  const door = newDoor();
  ipcMain.handle(
    ipcChannel.invoke,
    async (event: IpcMainInvokeEvent, method: unknown, input: unknown): Promise<ContractResult<unknown>> => {
      // Only the app's own page may call; a frame that somehow loaded anything else gets nothing.
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedPage(url)) {
        return { ok: false, error: { kind: 'validation', message: 'Only the Mshahara window may call Mshahara.' } };
      }
      return callContract(handlers, method, input, door);
    },
  );
}
