import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateChannelKeyPair } from '../../src/relay/sealing';
import { startRelay, type RunningRelay } from '../../src/relay/server';
import { openEvent, post, pull } from './helpers';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '../../src/relay/cli.ts');
const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');

async function relayCli(...args: string[]): Promise<unknown> {
  const { stdout } = await run(tsx, [cli, ...args], { env: { ...process.env, RELAY_PUBLIC_URL: '' } });
  return JSON.parse(stdout) as unknown;
}

describe('relay CLI beside a running relay', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-cli-'));
  const keys = generateChannelKeyPair();
  const keyFile = join(dataDir, 'acme.pub.pem');
  const logLines: string[] = [];
  let relay: RunningRelay;

  beforeAll(async () => {
    writeFileSync(keyFile, keys.publicKeyPem);
    const capture = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    relay = await startRelay({ dataDir, port: 0, logger: pino({ level: 'debug' }, capture) });
  });
  afterAll(async () => {
    await relay.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('adds, lists, rotates and removes channels; the running relay sees each change', async () => {
    const added = (await relayCli('channel', 'add', 'acme', '--public-key', keyFile, '--data', dataDir, '--public-url', relay.url)) as { channel: string; callbackBaseUrl: string; pullToken: string };
    expect(added.channel).toBe('acme');
    expect(added.callbackBaseUrl).toMatch(new RegExp(`^${relay.url}/hooks/acme/[0-9a-f]{64}$`));
    expect(added.pullToken).toMatch(/^[0-9a-f]{64}$/);
    const channel = { ...added, privateKeyPem: keys.privateKeyPem };

    expect((await post(`${added.callbackBaseUrl}/b2c-result`, '{"first":1}')).status).toBe(200);
    const listed = (await relayCli('channel', 'list', '--data', dataDir)) as Array<Record<string, string>>;
    expect(listed.map((c) => c.channel)).toEqual(['acme']);
    expect(JSON.stringify(listed)).not.toContain(added.pullToken);

    const rotated = (await relayCli('channel', 'rotate', 'acme', '--data', dataDir, '--public-url', relay.url)) as { channel: string; callbackBaseUrl: string; pullToken: string };
    expect(rotated.pullToken).not.toBe(added.pullToken);
    expect((await post(`${added.callbackBaseUrl}/b2c-result`, '{"old":1}')).status).toBe(404);
    expect((await pull(relay.url, added.pullToken)).status).toBe(401);
    expect((await post(`${rotated.callbackBaseUrl}/b2c-result`, '{"new":1}')).status).toBe(200);
    const page = await pull(relay.url, rotated.pullToken);
    expect(page.events.map((e) => openEvent(channel, e).body)).toEqual(['{"first":1}', '{"new":1}']);

    expect(await relayCli('channel', 'remove', 'acme', '--data', dataDir)).toEqual({ removed: 'acme' });
    expect((await post(`${rotated.callbackBaseUrl}/b2c-result`, '{"gone":1}')).status).toBe(404);
    expect((await pull(relay.url, rotated.pullToken)).status).toBe(401);

    const logs = logLines.join('');
    expect(logs).toContain('callback stored');
    for (const secret of [added.callbackBaseUrl.split('/').at(-1)!, rotated.callbackBaseUrl.split('/').at(-1)!, added.pullToken, rotated.pullToken, '"first"', '"new"']) {
      expect(logs).not.toContain(secret);
    }
  });

  it('refuses a key that is not X25519 and a name Safaricom would refuse', async () => {
    writeFileSync(join(dataDir, 'bad.pem'), 'nonsense');
    await expect(run(tsx, [cli, 'channel', 'add', 'shop', '--public-key', join(dataDir, 'bad.pem'), '--data', dataDir, '--public-url', relay.url])).rejects.toMatchObject({ code: 2 });
    await expect(run(tsx, [cli, 'channel', 'add', 'sql-shop', '--public-key', keyFile, '--data', dataDir, '--public-url', relay.url])).rejects.toMatchObject({ code: 2 });
  });
});
