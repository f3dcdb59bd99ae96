// A private temp folder per test file for real SQLite files, removed when the file's tests end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export function tempFolder(prefix = 'mshahara-db-'): { path: (name: string) => string } {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  let counter = 0;
  return { path: (name: string) => join(folder, `${++counter}-${name}`) };
}
