// End to end in real Chromium: `npm run start:browser` serves the built renderer, and the page
// reaches the core over the WebSocket transport and shows what app.info answered.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../src/main/host/renderer-build';
import { PlaceholderPage } from './pages/placeholder-page';

const projectRoot = resolve(import.meta.dirname, '../..');
let host: ChildProcess | undefined;
let hostUrl: string;
let browser: Browser | undefined;

/** Starts the browser host entry and resolves with the address it prints. */
function startHost(): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/browser-host.ts', '--port', '0'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    host = child;
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Mshahara is at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output);
      if (match?.[1]) resolveUrl(match[1]);
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`browser host exited (${code}): ${output}`)));
  });
}

beforeAll(async () => {
  // Building here (not in the host) keeps a first build inside this hook's longer time limit.
  await ensureRendererBuilt(projectRoot);
  hostUrl = await startHost();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (host && host.exitCode === null) {
    const exited = new Promise((done) => host?.once('exit', done));
    host.kill('SIGTERM');
    await exited;
  }
});

describe('the browser host in Chromium', () => {
  it('shows the app.info answer from the core', async () => {
    const { version } = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    const placeholder = new PlaceholderPage(page);

    await placeholder.open(hostUrl);

    expect(await placeholder.heading().textContent()).toBe('Mshahara');
    expect(await placeholder.version().textContent()).toBe(version);
    expect(await placeholder.profile().textContent()).toBe('demo');
    expect(await placeholder.mode().textContent()).toBe('browser host');
    expect(await placeholder.problem().count()).toBe(0);
    expect(errors).toEqual([]);

    await mkdir(join(projectRoot, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(projectRoot, 'test-results', 'browser-host-placeholder.png') });
    await page.close();
  });

  it('shows nothing of the app without the token', async () => {
    const page = await browser!.newPage();
    const response = await page.goto(hostUrl.replace(/\?token=.*/, ''));
    expect(response?.status()).toBe(403);
    expect(await page.locator('#root').count()).toBe(0);
    await page.close();
  });
});
