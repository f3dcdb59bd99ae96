// UI benchmark: the main renderer chunk gzipped (goal under 600 KB), page load to the dashboard's
/// <reference lib="dom" />
// first paint in Chromium, and frames longer than 50 ms while scrolling a 1,000,000-row ledger.
// Prints figures; asserts nothing. Run: npm run bench:ui [-- --rows 1000000 --skip-build]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { closeDatabase, openDatabase } from '../src/main/db';
import { profileDatabasePath } from '../src/main/profiles';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    'skip-build': { type: 'boolean', default: false },
    loads: { type: 'string', default: '5' },
  },
});
const rowCount = Number(args.rows);
const root = resolve(import.meta.dirname, '..');
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function chunkSizes(): void {
  if (!args['skip-build']) {
    const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  const html = readFileSync(join(root, 'out/renderer/index.html'), 'utf8');
  const main = /src="\.\/(assets\/index-[^"]+\.js)"/.exec(html)?.[1];
  const css = /href="\.\/(assets\/index-[^"]+\.css)"/.exec(html)?.[1];
  if (!main) throw new Error('No main chunk in out/renderer/index.html');
  const js = readFileSync(join(root, 'out/renderer', main));
  console.log(
    `main renderer chunk   ${main}: ${kb(js.length)} raw, ${kb(gzipSync(js).length)} gzipped (goal < 600 KB)`,
  );
  if (css) {
    const sheet = readFileSync(join(root, 'out/renderer', css));
    console.log(`main stylesheet       ${kb(sheet.length)} raw, ${kb(gzipSync(sheet).length)} gzipped`);
  }
}

interface Host {
  url: string;
  stop(): Promise<void>;
}

function startHost(dataDir: string): Promise<Host> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main/transports/browser-host/main.ts', '--port', '0'],
    { cwd: root, env: { ...process.env, MSHAHARA_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  return new Promise((resolveHost, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Mshahara is at (\S+)/.exec(output)?.[1];
      if (url)
        resolveHost({
          url,
          stop: async () => {
            if (child.exitCode !== null) return;
            const exited = new Promise((done) => child.once('exit', done));
            child.kill('SIGTERM');
            await exited;
          },
        });
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`browser host exited (${code}): ${output}`)));
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Loads the page `times` times and answers the ms from navigation start to the dashboard's first painted frame. */
async function dashboardPaint(page: Page, url: string, times: number): Promise<number[]> {
  const figures: number[] = [];
  for (let i = 0; i < times; i++) {
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName('dashboard-painted').length > 0, undefined, {
      timeout: 300_000,
    });
    figures.push(
      await page.evaluate(() => performance.getEntriesByName('dashboard-painted')[0]?.startTime ?? Number.NaN),
    );
  }
  return figures;
}

function seedLedger(dataDir: string): void {
  const db = openDatabase(profileDatabasePath('demo', dataDir));
  const insert = db.prepare(
    `INSERT INTO transactions (receipt, occurred_at, direction, kind, status, amount_cents, charge_cents, phone, party_name, source)
     VALUES (?, ?, 'out', 'b2c_payment', 'completed', ?, ?, ?, ?, 'b2c_result')`,
  );
  const start = Date.parse('2025-01-01T00:00:00.000Z');
  db.transaction(() => {
    for (let n = 0; n < rowCount; n++) {
      insert.run(
        `U${n.toString(36).toUpperCase().padStart(9, '0')}`,
        new Date(start + n * 60_000).toISOString(),
        (1_000 + (n % 49_000)) * 100,
        1_100,
        `2547${String(10_000_000 + (n % 89_999_999)).padStart(8, '0')}`,
        `Worker ${n % 20_000}`,
      );
    }
  })();
  closeDatabase(db);
}

/**
 * Scrolls the ledger `frames` frames in the page, starting at `fromShare` of its height, `stepPx`
 * per frame (null: spread over the whole height, top to bottom); answers each frame's length.
 */
async function scrollLedger(page: Page, frames: number, fromShare: number, stepPx: number | null): Promise<number[]> {
  // Sent as text: tsx would wrap named inner functions in a helper the page does not have.
  const script = `(async () => {
    const scroller = document.querySelector('[data-testid="ledger-table-scroller"]');
    if (!scroller) throw new Error('no ledger scroller');
    const range = scroller.scrollHeight - scroller.clientHeight;
    const start = range * ${fromShare};
    const step = ${stepPx === null ? `(range - start) / ${frames}` : stepPx};
    scroller.scrollTop = start;
    const deltas = [];
    let last = performance.now();
    let frame = 0;
    await new Promise((done) => {
      requestAnimationFrame(function tick(now) {
        deltas.push(now - last);
        last = now;
        scroller.scrollTop = Math.round(start + step * ++frame);
        if (frame < ${frames}) requestAnimationFrame(tick);
        else done();
      });
    });
    return deltas;
  })()`;
  return page.evaluate(script) as Promise<number[]>;
}

function describeFrames(label: string, deltas: number[], warmUp: number): void {
  const measured = deltas.slice(warmUp);
  const long = measured.filter((delta) => delta > 50);
  const sorted = [...measured].sort((a, b) => a - b);
  const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? Number.NaN;
  console.log(
    `${label.padEnd(21)} ${measured.length} frames after ${warmUp} warm-up: median ${median(measured).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...measured).toFixed(1)} ms, longer than 50 ms: ${long.length}`,
  );
}

async function main(): Promise<void> {
  chunkSizes();
  const dataDir = mkdtempSync(join(tmpdir(), 'mshahara-bench-ui-'));
  let browser: Browser | undefined;
  let host: Host | undefined;
  try {
    browser = await chromium.launch({
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
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });

    host = await startHost(dataDir);
    await page.goto(host.url);
    await page.getByTestId('start-demo').click();
    await page.getByTestId('dashboard').waitFor();
    const fresh = await dashboardPaint(page, host.url, Number(args.loads));
    console.log(
      `dashboard first paint fresh demo: median ${median(fresh).toFixed(0)} ms (${fresh.map((ms) => ms.toFixed(0)).join(', ')})`,
    );
    await host.stop();

    const seeding = performance.now();
    seedLedger(dataDir);
    console.log(
      `seeded ledger         ${rowCount.toLocaleString('en-KE')} rows in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
    );

    host = await startHost(dataDir);
    const big = await dashboardPaint(page, host.url, Number(args.loads));
    console.log(
      `dashboard first paint ${rowCount.toLocaleString('en-KE')}-row ledger: median ${median(big).toFixed(0)} ms (${big.map((ms) => ms.toFixed(0)).join(', ')})`,
    );

    await page.getByTestId('nav-ledger').click();
    const opened = performance.now();
    await page.locator('[data-testid="ledger-count"]:not([data-total=""])').waitFor({ timeout: 120_000 });
    console.log(
      `ledger first page     ${(performance.now() - opened).toFixed(0)} ms; ${await page.getByTestId('ledger-count').textContent()}`,
    );
    // Dragging the scrollbar: top to bottom in 600 frames, about 1,700 rows a frame, every frame a new page.
    describeFrames('ledger, drag to end', await scrollLedger(page, 600, 0, null), 30);
    // Reading pace: two rows a frame from the middle, pages fetched ahead as they come into view.
    describeFrames('ledger, reading pace', await scrollLedger(page, 600, 0.5, 64), 30);
  } finally {
    await browser?.close();
    await host?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
