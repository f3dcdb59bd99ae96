// The renderer's Content Security Policy: only the app's own scripts and styles, no remote
// anything, and no network — all HTTP to Daraja and the relay happens in the main process.
import type { HeadersReceivedResponse, OnHeadersReceivedListenerDetails } from 'electron';

export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
].join('; ');

/** `npm run dev` only: Vite's hot-reload socket on the dev server's own origin. */
export const developmentContentSecurityPolicy = contentSecurityPolicy.replace(
  "connect-src 'none'",
  "connect-src 'self'",
);

/** The part of electron's Session the policy needs (electron's Session satisfies it). */
export interface HeaderSession {
  webRequest: {
    onHeadersReceived(
      listener: (
        details: OnHeadersReceivedListenerDetails,
        callback: (response: HeadersReceivedResponse) => void,
      ) => void,
    ): void;
  };
}

export function applyContentSecurityPolicy(session: HeaderSession, policy: string = contentSecurityPolicy): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      // A server's own, possibly looser, policy is dropped rather than merged.
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [policy];
    callback({ responseHeaders: headers });
  });
}
