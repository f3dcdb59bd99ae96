// Runs the CLI in this process with captured output, a private data folder and keychain.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach } from 'vitest';
import { runCli } from '../../../src/main/cli';
import { MemorySecretStore } from '../../../src/main/secrets/memory-store';
import type { SecretStore } from '../../../src/main/secrets/secret-store';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function cli(
  argv: string[],
  options: { secrets: SecretStore; env?: NodeJS.ProcessEnv; stdin?: string },
): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  let outText = '';
  let errText = '';
  out.on('data', (chunk: Buffer) => (outText += chunk.toString('utf8')));
  err.on('data', (chunk: Buffer) => (errText += chunk.toString('utf8')));
  const code = await runCli(
    argv,
    {
      out,
      err,
      input: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
      env: options.env ?? {},
    },
    { secrets: () => options.secrets },
  );
  return { code, out: outText, err: errText };
}

/** Each test gets its own data folder (MSHAHARA_DATA_DIR) and keychain; read them inside tests. */
export function freshDataFolderEachTest(): { readonly dataDir: string; readonly secrets: MemorySecretStore } {
  const current = { dataDir: '', secrets: new MemorySecretStore() };
  beforeEach(() => {
    current.dataDir = mkdtempSync(join(tmpdir(), 'mshahara-cli-'));
    process.env.MSHAHARA_DATA_DIR = current.dataDir;
    current.secrets = new MemorySecretStore();
  });
  afterEach(() => {
    delete process.env.MSHAHARA_DATA_DIR;
    rmSync(current.dataDir, { recursive: true, force: true });
  });
  return current;
}
