// @vitest-environment node
// The page's client of the real browser host: when the host ends the socket, a call fails at once
// and says so (never waits), a call cut off in flight says whether it may have run, the client
// reopens the socket with the same token and events keep arriving; a host that is gone turns the
// connection 'lost', and one restarted with a new token is named as such.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket as NodeWebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../src/main/handlers';
import { MemorySecretStore } from '../../src/main/secrets/memory-store';
import { startBrowserHost, type BrowserHost } from '../../src/main/transports/browser-host/server';
import {
  connectToHost,
  connectionState,
  onConnectionChange,
  unreachable,
  type ConnectionState,
  type HostConnection,
} from '../../src/renderer/api';

let rendererDir: string;
let api: Api;
let host: BrowserHost;
let client: HostConnection;
const states: ConnectionState[] = [];

beforeAll(async () => {
  rendererDir = await mkdtemp(join(tmpdir(), 'mshahara-host-connection-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Mshahara</title>');
  api = createApi({
    identity: { version: '7.8.9', mode: 'browser' },
    dataRoot: rendererDir,
    secrets: new MemorySecretStore(),
    delivery: 'bytes',
    actor: 'test',
    openProfile: () => Promise.reject(new Error('no profile in this test')),
  });
  host = await startBrowserHost({ rendererDir, api, port: 0 });
  onConnectionChange((state) => states.push(state));
  client = connectToHost(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, {
    WebSocket: NodeWebSocket as unknown as new (url: string) => WebSocket,
    retryDelaysMs: [300, 100],
    attemptsBeforeLost: 3,
    lostRetryMs: 200,
  });
});
afterAll(async () => {
  client?.close();
  await host?.close();
  await rm(rendererDir, { recursive: true, force: true });
});

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  const value = await work;
  return { value, ms: Date.now() - start };
}

const info = { ok: true, value: { version: '7.8.9', mode: 'browser', profile: null } };

describe('the browser host client', () => {
  it('answers a call made while it first connects', async () => {
    expect(await client.invoke('app.info', {})).toMatchObject(info);
    expect(connectionState()).toBe('connected');
  });

  it('fails a call at once while the socket is down, reconnects with its token, and answers again', async () => {
    states.length = 0;
    host.disconnectPages();
    await until(() => connectionState() === 'reconnecting');

    const down = await timed(client.invoke('app.info', {}));
    expect(down.value).toEqual({ ok: false, error: { kind: 'unavailable', message: unreachable.reconnecting } });
    expect(down.ms).toBeLessThan(100);

    await until(() => connectionState() === 'connected');
    expect(states).toEqual(['reconnecting', 'connected']);
    expect(await client.invoke('app.info', {})).toMatchObject(info);
  });

  it('keeps event subscriptions across a reconnect', async () => {
    const notices: unknown[] = [];
    const stop = client.subscribe('app.notice', (payload) => notices.push(payload));
    host.disconnectPages();
    await until(() => connectionState() === 'reconnecting');
    await until(() => connectionState() === 'connected');
    // The host's side of the new socket may register a moment after the page sees it open.
    await until(() => {
      host.publish('app.notice', { message: 'Float is low' });
      return notices.length > 0;
    });
    expect(notices[0]).toEqual({ message: 'Float is low' });
    stop();
  });

  it('fails calls cut off in flight, saying a change may or may not have been done', async () => {
    await until(() => connectionState() === 'connected');
    const read = client.invoke('app.info', {});
    const change = client.invoke('settings.update', { sendRatePerSecond: 5 });
    host.disconnectPages();
    expect(await read).toEqual({ ok: false, error: { kind: 'unavailable', message: unreachable.reconnecting } });
    expect(await change).toEqual({ ok: false, error: { kind: 'unavailable', message: unreachable.cutOff } });
    expect(unreachable.cutOff).toContain('may or may not have been done; check before repeating it');
    await until(() => connectionState() === 'connected');
  });

  it('turns lost when the host stays gone, and names a host restarted with a new token', async () => {
    const port = host.port;
    await host.close();
    await until(() => connectionState() === 'lost');
    expect(await client.invoke('app.info', {})).toEqual({
      ok: false,
      error: { kind: 'unavailable', message: unreachable.lost },
    });

    // The same port, a new start: the old address's token is refused.
    host = await startBrowserHost({ rendererDir, api, port });
    let answer: unknown;
    await until(() => {
      void client.invoke('app.info', {}).then((result) => (answer = result));
      return JSON.stringify(answer ?? '').includes('no longer accepts');
    });
    expect(answer).toEqual({ ok: false, error: { kind: 'unavailable', message: unreachable.refused } });
    expect(connectionState()).toBe('lost');
  });
});
