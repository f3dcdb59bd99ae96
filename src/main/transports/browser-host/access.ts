// Who may use the browser host: only a page that was given this start's random token (in the URL
// once, then in a cookie for the page's own assets), only from the host's own origin, and only
// when the request names the host itself (a page on another name that resolves to 127.0.0.1, the
// DNS-rebinding trick, is refused before the token is even looked at).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newAccessToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Cookies are shared by every port of 127.0.0.1, so the name carries the port. */
export function tokenCookieName(port: number): string {
  return `mshahara-token-${port}`;
}

function sameToken(candidate: string | undefined, token: string): boolean {
  if (candidate === undefined) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** The names the host answers to: its own loopback address and localhost, on its own port. */
export function hostNames(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** True when the request's Host header names this host (it listens on 127.0.0.1 only). */
export function rightHost(request: IncomingMessage, port: number): boolean {
  const host = request.headers.host?.toLowerCase();
  return host !== undefined && hostNames(port).includes(host);
}

export interface AccessCheck {
  allowed: boolean;
  /** True when the token came in the URL, so the response should set the cookie. */
  viaQuery: boolean;
}

/** The request's address, or undefined when its path is not one ("//" and the like make URL throw). */
export function requestUrl(request: IncomingMessage): URL | undefined {
  try {
    return new URL(request.url ?? '/', 'http://127.0.0.1');
  } catch {
    return undefined;
  }
}

export function checkAccess(request: IncomingMessage, token: string, port: number): AccessCheck {
  const url = requestUrl(request);
  if (url === undefined) return { allowed: false, viaQuery: false };
  // A page on another local port could otherwise ride on the cookie (ports are the same site).
  const origin = request.headers.origin;
  if (origin !== undefined && !hostNames(port).some((name) => origin === `http://${name}`)) {
    return { allowed: false, viaQuery: false };
  }
  if (sameToken(url.searchParams.get('token') ?? undefined, token)) return { allowed: true, viaQuery: true };
  return { allowed: sameToken(cookie(request, tokenCookieName(port)), token), viaQuery: false };
}
