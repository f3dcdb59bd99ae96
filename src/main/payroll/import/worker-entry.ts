// The reading thread's entry: files in, previews (or errors) out, one at a time. It runs under the
// heap and time limits set in read-off-thread.ts, so a file built to exhaust memory ends this thread only.
import { parentPort } from 'node:worker_threads';
import { MshaharaError } from '../../../shared/errors';
import { previewHere } from './preview';
import type { ImportOptions } from './types';

type Request = { id: number; content: Uint8Array; options: ImportOptions };

parentPort?.on('message', (request: Request) => {
  previewHere(request.content, request.options).then(
    (preview) => parentPort?.postMessage({ id: request.id, ok: true, preview }),
    (error: unknown) => {
      const kind = error instanceof MshaharaError ? error.kind : 'internal';
      parentPort?.postMessage({
        id: request.id,
        ok: false,
        kind,
        message: error instanceof Error ? error.message : String(error),
      });
    },
  );
});
