// The browser host's server: the built renderer and the contract WebSocket (/ws) on 127.0.0.1,
// both behind this start's random token (DESIGN §1). Loopback only; never a second implementation.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventName, EventPayload } from '../../../shared/contract';
import { logger } from '../../log';
import { checkAccess, newAccessToken, tokenCookieName } from './access';
import type { ContractHandlers } from '../dispatch';
import { securityHeaders, sendRendererFile } from './static-files';
import { contractSocketServer } from './websocket';

export interface BrowserHostOptions {
  /** The built renderer folder (out/renderer). */
  rendererDir: string;
  handlers: ContractHandlers;
  /** 0 lets the operating system pick a free port. */
  port?: number;
}

export interface BrowserHost {
  /** The address to open, token included. */
  url: string;
  port: number;
  token: string;
  publish<E extends EventName>(event: E, payload: EventPayload<E>): void;
  close(): Promise<void>;
}

const log = logger('browser-host');

function refuse(response: ServerResponse): void {
  response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders() });
  response.end('This Mshahara needs the address with its token, as printed when it started.');
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = newAccessToken();
  const sockets = contractSocketServer(options.handlers);
  let port = 0;

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const access = checkAccess(request, token, port);
    if (!access.allowed) return refuse(response);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', ...securityHeaders() });
      response.end();
      return;
    }
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1');
    // The page's own assets carry no token, so the first, tokened load leaves a strict cookie.
    const cookie = access.viaQuery
      ? { 'Set-Cookie': `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/` }
      : undefined;
    sendRendererFile(options.rendererDir, pathname, response, cookie).catch((error: unknown) => {
      log.error({ err: error, pathname }, 'could not serve a renderer file');
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });

  server.on('upgrade', (request, socket, head) => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (pathname !== '/ws' || !checkAccess(request, token, port).allowed) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.server.handleUpgrade(request, socket, head, (ws) => sockets.server.emit('connection', ws, request));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    publish: sockets.publish,
    close: async () => {
      await sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
