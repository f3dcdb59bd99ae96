// The contract over a WebSocket for the browser host: {id, method, input} in, {id, result} out,
// and {event, payload} pushed to every open page. Same dispatch as Electron IPC. Messages may carry
// a payroll file as base64 (up to 30 MB of file), hence the large frame limit.
import { WebSocketServer, type WebSocket } from 'ws';
import { contractEvents, type EventName, type EventPayload } from '../../../shared/contract';
import { callContract, type ContractHandlers } from '../dispatch';

export interface ContractSocketServer {
  server: WebSocketServer;
  publish<E extends EventName>(event: E, payload: EventPayload<E>): void;
  close(): Promise<void>;
}

export function contractSocketServer(handlers: ContractHandlers): ContractSocketServer {
  const server = new WebSocketServer({ noServer: true, maxPayload: 48 * 1024 * 1024 });

  server.on('connection', (socket: WebSocket) => {
    socket.on('message', (raw) => {
      let request: { id?: unknown; method?: unknown; input?: unknown };
      try {
        request = JSON.parse(String(raw)) as typeof request;
      } catch {
        socket.close(1003, 'Messages must be JSON');
        return;
      }
      const id = request.id;
      if (typeof id !== 'number') {
        socket.close(1003, 'Each call needs a numeric id');
        return;
      }
      void callContract(handlers, request.method, request.input).then((result) => {
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
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
