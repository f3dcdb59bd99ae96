// Runs the real CLI as its own process (node --import tsx src/main/cli/index.ts), the way a script
// or a shell pipe meets it: its own stdout pipe, exit code and process id.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
const cliEntry = fileURLToPath(new URL('../../../src/main/cli/index.ts', import.meta.url));

export interface SpawnedCli {
  child: ChildProcess;
  /** Everything the CLI wrote to stderr so far. */
  stderr(): string;
  /** Resolves when stderr matches (a progress line, a message), or rejects when the CLI exits first. */
  waitForStderr(pattern: RegExp): Promise<void>;
  exited: Promise<number | null>;
}

export function spawnCli(
  args: string[],
  dataDir: string,
  options: { env?: NodeJS.ProcessEnv; stdout?: 'pipe' | 'ignore' } = {},
): SpawnedCli {
  const child = spawn(process.execPath, ['--import', 'tsx', cliEntry, ...args], {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      ...options.env,
      MSHAHARA_DATA_DIR: dataDir,
      MSHAHARA_LOG_LEVEL: 'silent',
      VITEST: undefined,
      VITEST_WORKER_ID: undefined,
    },
    stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
  });
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve(): void }> = [];
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
    for (const waiter of waiters.filter((w) => w.pattern.test(stderr))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stderr: () => stderr,
    exited,
    waitForStderr: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(stderr)) {
          resolve();
          return;
        }
        waiters.push({ pattern, resolve });
        void exited.then((code) =>
          reject(new Error(`The CLI exited (${String(code)}) before printing ${String(pattern)}:\n${stderr}`)),
        );
      }),
  };
}

/**
 * Reads the child's stdout the way a slow consumer of a pipe does: nothing for a while, then one
 * chunk at a time with a pause after each, so the pipe's 64 KiB buffer stays full while the CLI
 * still has more to write.
 */
export function readSlowly(cli: SpawnedCli, { startAfterMs = 400, pauseMs = 15 } = {}): Promise<Buffer> {
  const stdout = cli.child.stdout;
  if (stdout === null) throw new Error('The CLI was started without a stdout pipe');
  stdout.pause();
  const chunks: Buffer[] = [];
  return new Promise<Buffer>((resolve, reject) => {
    stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      stdout.pause();
      setTimeout(() => stdout.resume(), pauseMs);
    });
    stdout.once('end', () => resolve(Buffer.concat(chunks)));
    stdout.once('error', reject);
    setTimeout(() => stdout.resume(), startAfterMs);
  });
}
