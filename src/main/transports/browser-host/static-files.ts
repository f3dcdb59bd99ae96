// Serves the built renderer (out/renderer) to the browser: files under that folder only, with the
// same no-network Content Security Policy the desktop window gets (plus the host's own WebSocket).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export const browserContentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': browserContentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    // The token is in the page URL; it must never travel on as a referrer.
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

/** Sends `pathname` from `rootDir`; answers 404 for anything missing or outside the folder. */
export async function sendRendererFile(
  rootDir: string,
  pathname: string,
  response: ServerResponse,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  const root = resolve(rootDir);
  const relative = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  const file = resolve(join(root, relative));
  const info = file.startsWith(root + sep) ? await stat(file).catch(() => undefined) : undefined;
  if (!info?.isFile()) {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders() });
    response.end('Not found');
    return;
  }
  response.writeHead(200, {
    'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
    'Content-Length': String(info.size),
    ...securityHeaders(),
    ...extraHeaders,
  });
  createReadStream(file).pipe(response);
}
