// The reading thread's entry: one file in, one preview (or one error) out. It runs under the heap
// and time limits set in read-off-thread.ts, so a file built to exhaust memory ends this thread only.
import { parentPort } from 'node:worker_threads';
import { MshaharaError } from '../../../shared/errors';
import { previewHere } from './preview';
import type { ImportOptions } from './types';

type Request = { content: Uint8Array; options: ImportOptions };

parentPort?.once('message', (request: Request) => {
  previewHere(request.content, request.options).then(
    (preview) => parentPort?.postMessage({ ok: true, preview }),
    (error: unknown) => {
      const kind = error instanceof MshaharaError ? error.kind : 'internal';
      parentPort?.postMessage({ ok: false, kind, message: error instanceof Error ? error.message : String(error) });
    },
  );
});
