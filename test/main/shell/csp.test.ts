// The Content Security Policy header on every response the renderer loads.
// eslint-disable-next-line no-restricted-imports -- types only: the fakes are checked against Electron's own types
import type { HeadersReceivedResponse, OnHeadersReceivedListenerDetails, Session } from 'electron';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  applyContentSecurityPolicy,
  contentSecurityPolicy,
  developmentContentSecurityPolicy,
  type HeaderSession,
} from '../../../src/main/shell/csp';

type Listener = (
  details: OnHeadersReceivedListenerDetails,
  callback: (response: HeadersReceivedResponse) => void,
) => void;

function fakeSession() {
  const listeners: Listener[] = [];
  const session: HeaderSession = { webRequest: { onHeadersReceived: (listener) => void listeners.push(listener) } };
  const respond = (responseHeaders: Record<string, string[]>): HeadersReceivedResponse => {
    let answer: HeadersReceivedResponse | undefined;
    for (const listener of listeners) {
      listener(
        { responseHeaders, url: 'http://localhost:5173/', statusCode: 200 } as OnHeadersReceivedListenerDetails,
        (r) => (answer = r),
      );
    }
    if (!answer) throw new Error('no listener answered');
    return answer;
  };
  return { session, listeners, respond };
}

describe('applyContentSecurityPolicy', () => {
  it('fits electron’s Session', () => {
    expectTypeOf<Session>().toExtend<HeaderSession>();
  });

  it('allows only the app’s own code and no network', () => {
    const directives = Object.fromEntries(
      contentSecurityPolicy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
    );
    expect(directives['default-src']).toBe("'self'");
    expect(directives['script-src']).toBe("'self'");
    expect(directives['connect-src']).toBe("'none'");
    expect(directives['object-src']).toBe("'none'");
    expect(contentSecurityPolicy).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it('opens only the dev server’s own origin for hot reload in development', () => {
    expect(developmentContentSecurityPolicy).toContain("connect-src 'self'");
    expect(developmentContentSecurityPolicy).not.toContain("connect-src 'none'");
    expect(developmentContentSecurityPolicy.replace("connect-src 'self'", "connect-src 'none'")).toBe(
      contentSecurityPolicy,
    );
  });

  it('sets the policy on every response and replaces a looser one from the server', () => {
    const { session, listeners, respond } = fakeSession();
    applyContentSecurityPolicy(session);
    expect(listeners).toHaveLength(1);

    const answer = respond({ 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] });
    expect(answer.responseHeaders).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [contentSecurityPolicy],
    });
  });
});
