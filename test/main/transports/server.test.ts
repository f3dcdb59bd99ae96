// The browser host: its token guards every page and the WebSocket, and the contract answers.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../src/main/handlers';
import { MemorySecretStore } from '../../../src/main/secrets/memory-store';
import { startBrowserHost, type BrowserHost } from '../../../src/main/transports/browser-host/server';
import { tokenCookieName } from '../../../src/main/transports/browser-host/access';

let rendererDir: string;
let host: BrowserHost;
let origin: string;

beforeAll(async () => {
  rendererDir = await mkdtemp(join(tmpdir(), 'mshahara-renderer-'));
  await mkdir(join(rendererDir, 'assets'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Mshahara</title><div id="root"></div>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log("payroll")');
  await writeFile(join(tmpdir(), 'mshahara-outside.txt'), 'outside the renderer');
  const api = createApi({
    identity: { version: '9.9.9', mode: 'browser' },
    dataRoot: rendererDir,
    secrets: new MemorySecretStore(),
    delivery: 'bytes',
    actor: 'test',
    openProfile: () => Promise.reject(new Error('no profile in this test')),
  });
  host = await startBrowserHost({ rendererDir, api, port: 0 });
  origin = `http://127.0.0.1:${host.port}`;
});
afterAll(async () => {
  await host?.close();
  await rm(rendererDir, { recursive: true, force: true });
});

/** Opens a WebSocket and resolves with it once open, or with the HTTP status the upgrade got. */
function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
  });
}

function call(socket: WebSocket, id: number, method: string, input: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { id: number; result: unknown };
      if (message.id === id) resolve(message.result);
    });
    socket.send(JSON.stringify({ id, method, input }));
  });
}

describe('browser host over HTTP', () => {
  it('listens on loopback and prints an address with its token', () => {
    expect(host.url).toBe(`${origin}/?token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses the page without the token, or with a wrong one', async () => {
    expect((await fetch(`${origin}/`)).status).toBe(403);
    expect((await fetch(`${origin}/?token=${host.token.slice(1)}x`)).status).toBe(403);
    expect((await fetch(`${origin}/assets/app.js`)).status).toBe(403);
  });

  it('serves the page with the token and lets its assets in by cookie', async () => {
    const page = await fetch(host.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Mshahara</title>');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const setCookie = page.headers.get('set-cookie') ?? '';
    expect(setCookie).toContain(`${tokenCookieName(host.port)}=${host.token}`);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);

    const asset = await fetch(`${origin}/assets/app.js`, {
      headers: { cookie: `${tokenCookieName(host.port)}=${host.token}` },
    });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
  });

  it('never serves files outside the renderer folder', async () => {
    const response = await fetch(`${origin}/..%2fmshahara-outside.txt?token=${host.token}`);
    expect(response.status).toBe(404);
  });
});

describe('browser host WebSocket', () => {
  it('refuses a WebSocket without the token, or from another origin', async () => {
    expect(await connect(`ws://127.0.0.1:${host.port}/ws`)).toBe(403);
    expect(await connect(`ws://127.0.0.1:${host.port}/ws?token=wrong`)).toBe(403);
    expect(await connect(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { Origin: 'http://127.0.0.1:1' })).toBe(
      403,
    );
    expect(await connect(`ws://127.0.0.1:${host.port}/elsewhere?token=${host.token}`)).toBe(403);
  });

  it('answers app.info and reports bad calls as contract errors', async () => {
    const socket = await connect(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { Origin: origin });
    if (typeof socket === 'number') throw new Error(`upgrade refused with ${socket}`);
    try {
      expect(await call(socket, 1, 'app.info', {})).toEqual({
        ok: true,
        value: { version: '9.9.9', mode: 'browser', profile: null, dataFolder: rendererDir, demoSimulatorUrl: null },
      });
      expect(await call(socket, 2, 'ledger.dropTable', {})).toMatchObject({ ok: false, error: { kind: 'validation' } });
    } finally {
      socket.close();
    }
  });

  it('pushes contract events to open pages', async () => {
    const socket = await connect(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`);
    if (typeof socket === 'number') throw new Error(`upgrade refused with ${socket}`);
    const received = new Promise((resolve) => socket.once('message', (raw) => resolve(JSON.parse(String(raw)))));
    host.publish('app.notice', { message: 'Float is low' });
    expect(await received).toEqual({ event: 'app.notice', payload: { message: 'Float is low' } });
    socket.close();
  });
});
