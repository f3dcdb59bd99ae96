// The browser host's server: the built renderer and the contract WebSocket (/ws) on 127.0.0.1,
// both behind this start's random token (docs/architecture.md#the-pieces). Loopback only; never a second implementation.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { EventName, EventPayload } from '../../../shared/contract';
import { logger } from '../../log';
import { checkAccess, hostNames, newAccessToken, requestUrl, rightHost, tokenCookieName } from './access';
import { securityHeaders, sendRendererFile } from './static-files';
import { contractSocketServer, type ContractDoors } from './websocket';

export interface BrowserHostOptions {
  /** The built renderer folder (out/renderer). */
  rendererDir: string;
  /** The contract's handlers, and a new door (its own sign-in) for each page that connects. */
  api: ContractDoors;
  /** 0 lets the operating system pick a free port. */
  port?: number;
}

export interface BrowserHost {
  /** The address to open, token included. */
  url: string;
  port: number;
  token: string;
  publish<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Ends every open page's socket (the host keeps listening); each page reconnects with its token. */
  disconnectPages(): void;
  close(): Promise<void>;
}

const log = logger('browser-host');

const tokenNeeded = 'This Mshahara needs the address with its token, as printed when it started.';
const notAnAddress = 'That is not an address Mshahara serves.';

function wrongHostText(port: number): string {
  return `This Mshahara answers only at ${hostNames(port).join(' or ')}; open the address it printed when it started.`;
}

type Refusal = 400 | 403 | 421;
const reasons: Record<Refusal, string> = { 400: 'Bad Request', 403: 'Forbidden', 421: 'Misdirected Request' };

function refuse(response: ServerResponse, status: Refusal, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders() });
  response.end(text);
}

/** Answers a refused WebSocket upgrade with a plain HTTP response and ends the connection. */
function refuseUpgrade(socket: Duplex, status: Refusal, text: string): void {
  const body = Buffer.from(text);
  socket.end(
    `HTTP/1.1 ${status} ${reasons[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${body.length}\r\n\r\n${text}`,
  );
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = newAccessToken();
  const sockets = contractSocketServer(options.api);
  let port = 0;

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (!rightHost(request, port)) return refuse(response, 421, wrongHostText(port));
    const url = requestUrl(request);
    if (url === undefined) return refuse(response, 400, notAnAddress);
    const access = checkAccess(request, token, port);
    if (!access.allowed) return refuse(response, 403, tokenNeeded);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', ...securityHeaders() });
      response.end();
      return;
    }
    const { pathname } = url;
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

  server.on('upgrade', (request, socket: Duplex, head) => {
    // Node hands the upgrading connection over without its own error handler: a page that resets
    // it must not end the host.
    const whileOpening = (error: NodeJS.ErrnoException): void => {
      log.warn({ code: error.code }, 'a page ended its connection while it was being opened');
    };
    socket.on('error', whileOpening);
    if (!rightHost(request, port)) return refuseUpgrade(socket, 421, wrongHostText(port));
    const url = requestUrl(request);
    if (url === undefined) return refuseUpgrade(socket, 400, notAnAddress);
    if (url.pathname !== '/ws' || !checkAccess(request, token, port).allowed) {
      return refuseUpgrade(socket, 403, tokenNeeded);
    }
    sockets.server.handleUpgrade(request, socket, head, (ws) => {
      // From here the page's socket has its own error handler (websocket.ts).
      socket.off('error', whileOpening);
      sockets.server.emit('connection', ws, request);
    });
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
    disconnectPages: sockets.disconnectAll,
    close: async () => {
      await sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
