// Starts `npm run start:browser`'s entry with a fresh data folder and stops it; launches Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const projectRoot = resolve(import.meta.dirname, '../../..');

export interface RunningHost {
  url: string;
  /** The demo simulator's address, when the host prints it (its /simulator/* paths are ground truth). */
  simulatorUrl: string | undefined;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

/** Spawns the browser host on a free port with its own data folder; resolves once it prints its address. */
export async function startHost(env: Record<string, string> = {}): Promise<RunningHost> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mshahara-e2e-'));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main/transports/browser-host/main.ts', '--port', '0'],
    {
      cwd: projectRoot,
      env: { ...process.env, MSHAHARA_DATA_DIR: dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Mshahara is at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output);
      if (match?.[1]) resolveUrl(match[1]);
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`browser host exited (${code}): ${output}`)));
  });
  return {
    url,
    dataDir,
    get simulatorUrl() {
      return /simulator (?:is )?at (http:\/\/127\.0\.0\.1:\d+)/i.exec(output)?.[1];
    },
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
