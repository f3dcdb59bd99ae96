// Pushes contract events to every Mshahara window over the one event channel the preload listens on.
import { ipcChannel } from '../../shared/contract';
import type { EventListener } from '../handlers/context';

export interface EventWindow {
  isDestroyed(): boolean;
  webContents: { send(channel: string, ...args: unknown[]): void };
}

export function sendEventsTo(windows: () => readonly EventWindow[]): EventListener {
  return (event, payload) => {
    for (const window of windows())
      if (!window.isDestroyed()) window.webContents.send(ipcChannel.event, event, payload);
  };
}
