// Runs an import on its own thread with a heap limit and a deadline. Parsing a file is CPU and
// memory bound; on the core's thread a hostile file would stall payments, callbacks and the screens
// meanwhile, and one that exhausts memory would end the app. Here it ends only its own thread.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InternalError, ValidationError } from '../../../shared/errors';
import { importLimits, workerLimits } from './limits';
import type { ImportOptions, ImportPreview } from './types';

type Reply = { ok: true; preview: ImportPreview } | { ok: false; kind: string; message: string };

/**
 * The thread's script: the TypeScript entry when Mshahara runs from source (CLI, tests, browser
 * host, all under tsx or vitest), or the bundled import-worker.js beside the app's main bundle.
 */
function workerScript(): { script: string | URL; eval: boolean } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // From source: the thread registers tsx's loader for itself, then loads the TypeScript entry.
    const tsxFolder = dirname(createRequire(here).resolve('tsx/package.json'));
    const tsx = pathToFileURL(join(tsxFolder, 'dist', 'esm', 'api', 'index.mjs')).href;
    const entry = new URL('./worker-entry.ts', here).href;
    return {
      script: `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`,
      eval: true,
    };
  }
  for (const candidate of ['./import-worker.js', '../import-worker.js']) {
    const url = new URL(candidate, here);
    if (existsSync(fileURLToPath(url))) return { script: url, eval: false };
  }
  throw new InternalError('The import reader (import-worker.js) is missing from this build');
}

/** How long a reading thread waits, idle, for the next file before it is ended. */
const idleMs = 60_000;

type Reader = { worker: Worker; busy: boolean; idle: NodeJS.Timeout | undefined };

/** The reading thread kept between files: starting one costs more than reading most files. */
let spare: Reader | undefined;
let nextId = 1;

type Limits = { heapMb: number; youngMb: number; timeoutMs: number };

function startReader(limits: Limits): Reader {
  const { script, eval: evaluate } = workerScript();
  const worker = new Worker(script, {
    eval: evaluate,
    resourceLimits: { maxOldGenerationSizeMb: limits.heapMb, maxYoungGenerationSizeMb: limits.youngMb, stackSizeMb: 4 },
    stdout: false,
    stderr: false,
  });
  // An idle reader never keeps the CLI or a test process alive.
  worker.unref();
  return { worker, busy: false, idle: undefined };
}

function retire(reader: Reader): void {
  if (spare === reader) spare = undefined;
  if (reader.idle !== undefined) clearTimeout(reader.idle);
  void reader.worker.terminate();
}

/** Hands the reader back for the next file, or ends it when another is already kept. */
function release(reader: Reader): void {
  reader.busy = false;
  if (spare !== undefined && spare !== reader) {
    retire(reader);
    return;
  }
  spare = reader;
  reader.idle = setTimeout(() => retire(reader), idleMs);
  reader.idle.unref();
}

/** `limits` other than the standard ones (tests of the limits themselves) get a reader of their own, never kept. */
export function previewOffThread(
  content: Uint8Array,
  options: ImportOptions,
  limits: Limits = workerLimits,
): Promise<ImportPreview> {
  // Refused here already: no point copying 500 MB to a thread to refuse it there.
  if (content.byteLength > importLimits.fileBytes) {
    return Promise.reject(
      new ValidationError(
        `The file is larger than ${importLimits.fileBytes / 1024 / 1024} MB; no payroll file is that large`,
      ),
    );
  }
  const standard = limits === workerLimits;
  const reader = standard && spare !== undefined && !spare.busy ? spare : startReader(limits);
  reader.busy = true;
  if (reader.idle !== undefined) clearTimeout(reader.idle);
  reader.idle = undefined;
  const { worker } = reader;
  const id = nextId++;
  return new Promise<ImportPreview>((resolve, reject) => {
    let settled = false;
    const onMessage = (reply: Reply & { id: number }): void => {
      if (reply.id !== id) return;
      settle(true, () => {
        if (reply.ok) resolve(reply.preview);
        else if (reply.kind === 'validation') reject(new ValidationError(reply.message));
        else reject(new InternalError(`The file could not be read: ${reply.message}`));
      });
    };
    const onError = (error: Error & { code?: string }): void => {
      settle(false, () => {
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          reject(
            new ValidationError(
              'Reading the file needed more memory than any payroll file does, so it was stopped and the file refused',
              { cause: error },
            ),
          );
        } else reject(new InternalError(`The file could not be read: ${error.message}`, { cause: error }));
      });
    };
    const onExit = (code: number): void =>
      settle(false, () => reject(new InternalError(`The file reader stopped (exit code ${code}) before it finished`)));
    const settle = (healthy: boolean, outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (healthy && standard) release(reader);
      else retire(reader);
      outcome();
    };
    const deadline = setTimeout(() => {
      settle(false, () =>
        reject(
          new ValidationError(
            `Reading the file took longer than ${limits.timeoutMs / 1000} seconds and was stopped; no payroll file takes that long`,
          ),
        ),
      );
    }, limits.timeoutMs);
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    const copy = new Uint8Array(content.byteLength);
    copy.set(content);
    worker.postMessage({ id, content: copy, options }, [copy.buffer]);
  });
}
