// The relay as deploy/Dockerfile ships it: the build stage's COPY lines and esbuild command are read
// from the Dockerfile and replayed in an empty folder (node_modules linked in place of `npm ci`),
// then the single-file bundle is run: it must add a channel, store a callback durably and hand it
// to the desktop. A source file the Dockerfile forgets to copy, or code that only works unbundled,
// fails here instead of in an operator's `docker build`.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateChannelKeyPair, open, type RelayEventPlaintext } from '../../src/relay-server/sealing';
import { post, pull } from './helpers';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');

/** The Dockerfile's build stage: what it copies, and the esbuild arguments it bundles with. */
function buildStage(): { copies: Array<{ sources: string[]; destination: string }>; esbuildArgs: string[] } {
  const text = readFileSync(join(root, 'deploy/Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const stages = text.split(/^FROM /m);
  const build = stages[1] ?? '';
  const copies = [...build.matchAll(/^COPY (?!--)(.+)$/gm)].map((m) => {
    const parts = (m[1] ?? '').trim().split(/\s+/);
    return { sources: parts.slice(0, -1), destination: parts.at(-1) ?? '.' };
  });
  const esbuild = /^RUN npx esbuild (.+)$/m.exec(build)?.[1];
  if (!esbuild) throw new Error('deploy/Dockerfile has no "RUN npx esbuild" line');
  return { copies, esbuildArgs: esbuild.trim().split(/\s+/) };
}

describe('the relay bundle deploy/Dockerfile builds', () => {
  let folder = '';
  let relay: ChildProcess | undefined;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'relay-bundle-'));
  });
  afterAll(() => {
    relay?.kill('SIGKILL');
    if (folder !== '') rmSync(folder, { recursive: true, force: true });
  });

  it(
    'builds from exactly what the Dockerfile copies, and runs: channel add, a stored callback, a pull',
    { timeout: 60_000 },
    async () => {
      const { copies, esbuildArgs } = buildStage();
      expect(copies.length).toBeGreaterThan(0);
      for (const { sources, destination } of copies) {
        for (const source of sources) {
          const target =
            sources.length > 1 || destination.endsWith('/')
              ? join(folder, destination, source.split('/').at(-1) ?? source)
              : join(folder, destination);
          mkdirSync(dirname(target), { recursive: true });
          cpSync(join(root, source), target, { recursive: true });
        }
      }
      symlinkSync(join(root, 'node_modules'), join(folder, 'node_modules'), 'dir');
      await run(join(root, 'node_modules/.bin/esbuild'), esbuildArgs, { cwd: folder });
      const outfile = esbuildArgs.find((a) => a.startsWith('--outfile='))?.slice('--outfile='.length) ?? '';
      const bundle = join(folder, outfile);

      const data = join(folder, 'data');
      const keys = generateChannelKeyPair();
      writeFileSync(join(folder, 'acme.pub.pem'), keys.publicKeyPem);
      const added = await run(
        process.execPath,
        [
          bundle,
          'channel',
          'add',
          'acme',
          '--public-key',
          join(folder, 'acme.pub.pem'),
          '--data',
          data,
          '--public-url',
          'http://127.0.0.1:1',
        ],
        { cwd: folder },
      );
      const channel = JSON.parse(added.stdout) as { channel: string; callbackBaseUrl: string; pullToken: string };
      expect(channel.channel).toBe('acme');

      relay = spawn(
        process.execPath,
        [bundle, 'serve', '--data', data, '--port', '0', '--host', '127.0.0.1', '--allowlist', 'off'],
        { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      relay.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        relay?.once('exit', (code) => reject(new Error(`the bundled relay exited (${code}): ${stderr}`)));
        createInterface({ input: relay!.stdout! }).on('line', (line) => {
          if (!line.startsWith('{')) return;
          const entry = JSON.parse(line) as { msg?: string; address?: string };
          if (entry.msg === 'relay listening' && entry.address) resolve(entry.address);
        });
      });

      const hook = `${url}${new URL(channel.callbackBaseUrl).pathname}/b2c-result`;
      const body = '{"Result":{"ResultCode":0,"ConversationID":"AG_bundle"}}';
      expect((await post(hook, body)).status).toBe(200);
      const page = await pull(url, channel.pullToken, '?after=0');
      expect(page.events).toHaveLength(1);
      const opened = JSON.parse(open(keys.privateKeyPem, page.events[0]!.sealed)) as RelayEventPlaintext;
      expect(opened).toMatchObject({ kind: 'b2c-result', body });
    },
  );
});
