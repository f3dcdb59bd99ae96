// The contract over a WebSocket for the browser host: {id, method, input} in, {id, result} out,
// and {event, payload} pushed to every open page. Same dispatch as Electron IPC. A call may carry a
// chosen file as base64, so a message may be as large as a file at the one limit in
// src/shared/file-limits.ts and no larger. Whatever a page sends, only that page's socket can end:
// a malformed frame or a message over the limit closes it with the matching close code.
import { WebSocketServer, type WebSocket } from 'ws';
import { contractEvents, type EventName, type EventPayload } from '../../../shared/contract';
import { maxContractMessageBytes } from '../../../shared/file-limits';
import { logger } from '../../log';
import { callContract, type ContractHandlers } from '../dispatch';
import type { Door } from '../door';

/** What the socket server serves: the handlers, and a new door for each page. */
export interface ContractDoors {
  handlers: ContractHandlers;
  newDoor(): Door;
}

export interface ContractSocketServer {
  server: WebSocketServer;
  publish<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Ends every open page's socket; the server keeps accepting new ones. */
  disconnectAll(): void;
  close(): Promise<void>;
}

/** Close code 1001 (going away): the host ended the socket on purpose; the page may reconnect. */
const goingAway = 1001;

const log = logger('browser-host');

export function contractSocketServer({ handlers, newDoor }: ContractDoors): ContractSocketServer {
  const server = new WebSocketServer({ noServer: true, maxPayload: maxContractMessageBytes });

  server.on('connection', (socket: WebSocket) => {
    // Each page signs in on its own: a reload or a second tab starts with nobody signed in.
    const door = newDoor();
    // ws has already answered the frame with its close code (1007 invalid UTF-8, 1002 protocol
    // error, 1009 too big) when this fires; the error names the fault, never the payload.
    socket.on('error', (error: Error & { code?: string }) => {
      log.warn({ code: error.code, reason: error.message }, "closed a page's socket after a malformed message");
    });
    socket.on('message', (raw) => {
      let request: unknown;
      try {
        request = JSON.parse(String(raw));
      } catch {
        socket.close(1003, 'Messages must be JSON');
        return;
      }
      if (typeof request !== 'object' || request === null) {
        socket.close(1003, 'Each message is a call: {id, method, input}');
        return;
      }
      const { id, method, input } = request as { id?: unknown; method?: unknown; input?: unknown };
      if (typeof id !== 'number') {
        socket.close(1003, 'Each call needs a numeric id');
        return;
      }
      void callContract(handlers, method, input, door).then((result) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ id, result }));
      });
    });
  });

  return {
    server,
    publish(event, payload) {
      const message = JSON.stringify({ event, payload: contractEvents[event].parse(payload) });
      for (const client of server.clients) if (client.readyState === client.OPEN) client.send(message);
    },
    disconnectAll() {
      for (const client of server.clients) client.close(goingAway, 'Mshahara closed this connection');
    },
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
