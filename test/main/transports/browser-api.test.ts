// The browser host serving the real core: a fresh data folder starts on First start, choosing
// demo over the WebSocket opens it, and events reach the page over the same socket.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from '../../../src/main/composition/start';
import type { Api } from '../../../src/main/handlers';
import { startBrowserHost, type BrowserHost } from '../../../src/main/transports/browser-host/server';
import { MemorySecretStore } from '../../../src/main/secrets/memory-store';
import { maxFileBase64Length } from '../../../src/shared/file-limits';

let folder: string;
let api: Api;
let host: BrowserHost;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'mshahara-browser-api-'));
  const rendererDir = join(folder, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Mshahara</title>');
  api = await startApi({
    mode: 'browser',
    version: '1.2.3',
    dataRoot: join(folder, 'data'),
    secrets: new MemorySecretStore(),
    env: { MSHAHARA_DEMO_SEED: '4' },
  });
  host = await startBrowserHost({ rendererDir, api, port: 0 });
  api.events.on((event, payload) => host.publish(event, payload));
});
afterAll(async () => {
  await host?.close();
  await api?.close();
  await rm(folder, { recursive: true, force: true });
});

type Message = { id?: number; result?: { ok: boolean; value?: unknown }; event?: string; payload?: unknown };

function open(): Promise<{
  socket: WebSocket;
  messages: Message[];
  waitFor(match: (m: Message) => boolean): Promise<Message>;
}> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`);
    const messages: Message[] = [];
    const waiters: Array<{ match: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as Message;
      messages.push(message);
      for (const waiter of [...waiters]) if (waiter.match(message)) waiter.resolve(message);
    });
    const waitFor = (match: (m: Message) => boolean) =>
      new Promise<Message>((done) => {
        const seen = messages.find(match);
        if (seen) done(seen);
        else waiters.push({ match, resolve: done });
      });
    socket.once('open', () => resolve({ socket, messages, waitFor }));
    socket.once('error', reject);
  });
}

describe('browser host with the real core', () => {
  it('starts on First start, opens demo when chosen, and pushes the change to the page', async () => {
    const page = await open();
    try {
      page.socket.send(JSON.stringify({ id: 1, method: 'app.info', input: {} }));
      expect((await page.waitFor((m) => m.id === 1)).result).toMatchObject({
        ok: true,
        value: { mode: 'browser', version: '1.2.3', profile: null },
      });

      page.socket.send(JSON.stringify({ id: 2, method: 'profiles.create', input: { kind: 'demo' } }));
      expect((await page.waitFor((m) => m.id === 2)).result).toMatchObject({
        ok: true,
        value: { name: 'demo', kind: 'demo' },
      });
      expect((await page.waitFor((m) => m.event === 'profile.changed')).payload).toEqual({
        profile: { name: 'demo', kind: 'demo', shortcode: '600992' },
      });
      // The opening balance query's answer arrives through the demo relay as events too.
      expect((await page.waitFor((m) => m.event === 'balance.changed')).payload).toMatchObject({
        utilityAvailableCents: 5_000_000_00,
      });

      // Nobody is signed in on this page yet: the workers are not read.
      page.socket.send(JSON.stringify({ id: 3, method: 'workers.list', input: {} }));
      expect((await page.waitFor((m) => m.id === 3)).result).toMatchObject({
        ok: false,
        error: { kind: 'forbidden', code: 'sign_in_needed' },
      });
      const password = 'Mvua ya Novemba 2026';
      const firstAdmin = { username: 'wanjiru', displayName: 'Wanjiru Kamau', password };
      page.socket.send(JSON.stringify({ id: 4, method: 'session.createFirstAdmin', input: firstAdmin }));
      expect((await page.waitFor((m) => m.id === 4)).result).toMatchObject({
        ok: true,
        value: { signedIn: { username: 'wanjiru', roles: ['admin'] }, needsFirstAdmin: false },
      });
      // The admin moves no money and reads no workers; the demo's payroll officer does.
      page.socket.send(JSON.stringify({ id: 5, method: 'workers.list', input: {} }));
      expect((await page.waitFor((m) => m.id === 5)).result).toMatchObject({
        ok: false,
        error: { kind: 'forbidden', code: 'role_needed' },
      });
      page.socket.send(JSON.stringify({ id: 6, method: 'session.signIn', input: { username: 'amina', password } }));
      expect((await page.waitFor((m) => m.id === 6)).result).toMatchObject({
        ok: true,
        value: { ok: true, session: { signedIn: { username: 'amina', roles: ['payroll-officer'] } } },
      });
      page.socket.send(JSON.stringify({ id: 7, method: 'workers.list', input: {} }));
      expect((await page.waitFor((m) => m.id === 7)).result).toMatchObject({ ok: true, value: { total: 10 } });

      // A file over the limit that still fits a message is a contract error in words, not a closed socket.
      const contentBase64 = 'A'.repeat(maxFileBase64Length + 4);
      page.socket.send(
        JSON.stringify({ id: 8, method: 'runs.previewFile', input: { fileName: 'payroll.csv', contentBase64 } }),
      );
      expect((await page.waitFor((m) => m.id === 8)).result).toMatchObject({
        ok: false,
        error: { kind: 'validation', message: expect.stringContaining('The file is too large (over 25 MB)') },
      });

      // Another page is another door: nobody is signed in on it.
      const other = await open();
      try {
        other.socket.send(JSON.stringify({ id: 1, method: 'workers.list', input: {} }));
        expect((await other.waitFor((m) => m.id === 1)).result).toMatchObject({
          ok: false,
          error: { kind: 'forbidden' },
        });
      } finally {
        other.socket.close();
      }
    } finally {
      page.socket.close();
    }
  });
});
