// Runs the CLI in this process with captured output, a private data folder and keychain.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, expect } from 'vitest';
import { runCli } from '../../../src/main/cli';
import { exitCodes } from '../../../src/main/cli/usage';
import { openProfileDatabase } from '../../../src/main/composition/profile-database';
import { MemorySecretStore } from '../../../src/main/secrets/memory-store';
import type { SecretStore } from '../../../src/main/secrets/secret-store';
import { seedPeople, testPassword, type TestPeople } from '../../helpers/people';

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

/** The environment of a command run by one of the test people: their password, as a script gives it. */
export const signedIn: NodeJS.ProcessEnv = { MSHAHARA_PASSWORD: testPassword };

/**
 * The test people (test/helpers/people.ts) as accounts of a profile in the current data folder;
 * the demo profile is created with them when it does not exist yet.
 */
export async function seedCliPeople(profile = 'demo', dataFolder?: string): Promise<TestPeople> {
  const opened = openProfileDatabase(profile, dataFolder);
  try {
    return await seedPeople(opened.db);
  } finally {
    opened.close();
  }
}

/**
 * `pay <args> --yes` the way a team pays: the officer runs it; when it stops for approval (exit 3,
 * naming the run), the approver approves that run (acknowledging the warnings it lists) and the
 * officer runs pay again, which sends. One result: the last exit code, every output joined.
 * `run` must give the test people's password (signedIn).
 */
export async function payApproved(
  run: (argv: string[]) => Promise<CliResult>,
  args: string[],
): Promise<CliResult & { runId: number | null }> {
  const people = await seedCliPeople();
  const pay = (): Promise<CliResult> => run(['pay', ...args, '--yes', '--user', people.officer.username]);
  const first = await pay();
  if (first.code !== exitCodes.approvalNeeded) return { ...first, runId: null };
  const runId = Number(/Payroll run #(\d+) needs approval/.exec(first.err)?.[1]);
  expect(runId, first.err).toBeGreaterThan(0);
  const approved = await run([
    'runs',
    'approve',
    String(runId),
    '--acknowledge-warnings',
    '--user',
    people.approver.username,
  ]);
  expect(approved.code, approved.err).toBe(0);
  const second = await pay();
  return {
    code: second.code,
    out: first.out + approved.out + second.out,
    err: first.err + approved.err + second.err,
    runId,
  };
}
