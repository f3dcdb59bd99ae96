// Hostile files: each is refused, or read with its bad rows refused, within the stated bounds, while
// the core's thread keeps answering (it is the thread that sends payments and takes callbacks).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { printPreview } from '../../../src/main/cli/commands/workers';
import { previewPayrollFile, type ImportPreview } from '../../../src/main/payroll/import';
import { previewOffThread } from '../../../src/main/payroll/import/read-off-thread';
import { ValidationError } from '../../../src/shared/errors';
import { hostileFiles } from '../../fixtures/imports/hostile/make';

const payrollFile = { duplicatesAgainstExisting: 'warn' } as const;

/** Stated bounds: each file settles within this time, the core never waits longer than this for its turn. */
const bounds = { settleMs: 15_000, coreLagMs: 250, growthMb: 600 };

/** Runs `work` while a timer on this thread measures how long it waits for its turn, and samples memory. */
async function whileCoreAnswers<T>(
  work: () => Promise<T>,
): Promise<{ outcome: PromiseSettledResult<T>; lagMs: number; ms: number; growthMb: number }> {
  let lagMs = 0;
  let last = performance.now();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const ticker = setInterval(() => {
    const now = performance.now();
    lagMs = Math.max(lagMs, now - last - 10);
    last = now;
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const started = performance.now();
  const [outcome] = await Promise.allSettled([work()]);
  const ms = performance.now() - started;
  clearInterval(ticker);
  return { outcome: outcome as PromiseSettledResult<T>, lagMs, ms, growthMb: (peak - baseline) / 1024 / 1024 };
}

function refusal(outcome: PromiseSettledResult<unknown>): string {
  expect(outcome.status).toBe('rejected');
  const reason = (outcome as PromiseRejectedResult).reason as Error;
  expect(reason).toBeInstanceOf(ValidationError);
  return reason.message;
}

describe('hostile import files', () => {
  it.each([
    [
      'declared-bomb.xlsx',
      /part xl\/worksheets\/sheet1\.xml would unpack to 3815 MB; a payroll sheet is far smaller, so the file is refused/,
    ],
    [
      'lying-bomb.xlsx',
      /part xl\/worksheets\/sheet1\.xml unpacks to more than it declares; the file is damaged or built to harm, and is refused/,
    ],
    ['many-parts.xlsx', /The workbook holds 3,00\d parts/],
    ['entity-bomb.xlsx', /part xl\/worksheets\/sheet1\.xml is not valid XML/],
    ['far-column.xlsx', /Row 2 has a cell in column 16384; a payroll sheet uses at most 256 columns/],
    ['too-many-rows.xlsx', /The sheet has more than 100,000 rows; split it into smaller files/],
    ['commas-30mb.csv', /The file is larger than 25 MB/],
    ['commas-20mb.csv', /Row 2 has more than 256 columns/],
    ['huge-cell.csv', /Row 2, column 1 holds more than 2,000 characters/],
    ['too-many-rows.csv', /The file has more than 100,000 rows/],
    ['latin1.csv', /The file is not UTF-8 text: line 3 has the byte 0xE9/],
  ] as const)(
    '%s is refused in bounds while the core answers',
    async (name, message) => {
      const bytes = hostileFiles[name]();
      const run = await whileCoreAnswers(() => previewPayrollFile(bytes, payrollFile));
      expect(refusal(run.outcome)).toMatch(message);
      expect(run.ms).toBeLessThan(bounds.settleMs);
      expect(run.lagMs).toBeLessThan(bounds.coreLagMs);
      expect(run.growthMb).toBeLessThan(bounds.growthMb);
    },
    60_000,
  );

  it('refuses control and bidi characters in names and references, with the row and the character', async () => {
    const preview = await previewPayrollFile(hostileFiles['control-characters.csv'](), payrollFile);
    expect(preview.invalid.map(({ row, reason }) => ({ row, reason }))).toEqual([
      { row: 2, reason: 'Name contains a hidden control character (NUL, U+0000); retype it' },
      { row: 3, reason: 'Name contains a hidden control character (ESC (escape), U+001B); retype it' },
      {
        row: 4,
        reason: 'Name contains a hidden control character (right-to-left override (bidi control), U+202E); retype it',
      },
      { row: 5, reason: 'Name contains a hidden control character (DEL, U+007F); retype it' },
      { row: 6, reason: 'Name contains a hidden control character (C1 control character, U+0085); retype it' },
      {
        row: 7,
        reason:
          'Reference contains a hidden control character (left-to-right isolate (bidi control), U+2066); retype it',
      },
    ]);
    expect(preview.valid.map((r) => ({ row: r.row, name: r.name, reference: r.reference }))).toEqual([
      { row: 8, name: 'Also Fine', reference: 'November salary' },
    ]);
  });

  it('prints a preview of a file with terminal escapes as text: the KES 250,000 row shows, nothing is rewritten', async () => {
    const preview: ImportPreview = await previewPayrollFile(hostileFiles['terminal-escapes.csv'](), payrollFile);
    expect(preview.valid.map((r) => ({ row: r.row, amountCents: r.amountCents }))).toEqual([
      { row: 2, amountCents: 25_000_000 },
    ]);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    printPreview(preview, { out, err: out, input: new PassThrough(), env: {} });
    const printed = Buffer.concat(chunks).toString('utf8');
    // eslint-disable-next-line no-control-regex -- asserting no control character was printed
    expect(printed).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(printed.startsWith('1 valid row, total KES 250,000.00.\n1 invalid row:\n  row 3: ')).toBe(true);
    expect(printed).toContain('\\u{1B}[2J\\u{1B}[H1 valid row; total KES 100.00.');
  });
});

describe('the reading thread', () => {
  it('turns a reader that runs out of memory or time into a refusal, and the next file is read as usual', async () => {
    const rows = `name,phone,amount\n${'Wanjiku Kamau,0712345678,1000\n'.repeat(50_000)}`;
    const bytes = new Uint8Array(Buffer.from(rows));
    // A heap too small for the reader and 50,000 rows: the thread ends, the core does not.
    const starved = await whileCoreAnswers(() =>
      previewOffThread(bytes, payrollFile, { heapMb: 8, youngMb: 2, timeoutMs: 30_000 }),
    );
    expect(refusal(starved.outcome)).toBe(
      'Reading the file needed more memory than any payroll file does, so it was stopped and the file refused',
    );
    expect(starved.lagMs).toBeLessThan(bounds.coreLagMs);
    // A deadline shorter than the read: stopped and refused.
    const slow = await whileCoreAnswers(() =>
      previewOffThread(bytes, payrollFile, { heapMb: 384, youngMb: 48, timeoutMs: 1 }),
    );
    expect(refusal(slow.outcome)).toBe(
      'Reading the file took longer than 0.001 seconds and was stopped; no payroll file takes that long',
    );
    const fine = await previewPayrollFile(
      new Uint8Array(Buffer.from('name,phone,amount\nWanjiku Kamau,0712345678,1000\n')),
      payrollFile,
    );
    expect(fine.valid.map((r) => [r.row, r.msisdn, r.amountCents])).toEqual([[2, '254712345678', 100_000]]);
  }, 60_000);
});
