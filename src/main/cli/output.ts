// Where the CLI writes: results to stdout (so they can be piped), progress and messages to stderr.
// Tests pass their own streams; money is always shown with formatKes, never as a float.
import type { Writable } from 'node:stream';
import { escapeControls } from '../../shared/text-safety';

export interface CliIo {
  out: Writable;
  err: Writable;
  /** Where a prompt reads from; a TTY only when a person is there to answer. */
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return { out: process.stdout, err: process.stderr, input: process.stdin, env: process.env };
}

/**
 * Writes one line. Control and bidi characters are written out as \u{…}: text from a file (a name,
 * a reason quoting a cell) must not be able to move the cursor, recolour or rewrite what was printed.
 */
export function line(stream: Writable, text = ''): void {
  stream.write(`${escapeControls(text, true)}\n`);
}

/** Pads cells into aligned columns for a plain-text table. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '))
    .join('\n');
}
