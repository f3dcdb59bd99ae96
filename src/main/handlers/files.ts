// Files Mshahara makes for the officer (exports, templates): written under the data folder's
// exports/<profile>/ folder; the browser host also sends the bytes back, since its page cannot read disk.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ProducedFile } from '../../shared/contract';
import { nairobiTime } from '../ledger/export';
import type { ApiContext } from './context';

export const mimeTypes = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  /** A profile backup, sealed with the admin's passphrase (src/main/profiles/backup-file.ts). */
  mshbackup: 'application/octet-stream',
} as const;

/** A file name that sorts by time and never overwrites an earlier export, in Nairobi time as the screens show it. */
export function exportFileName(stem: string, extension: keyof typeof mimeTypes, now = new Date()): string {
  const stamp = nairobiTime(now.toISOString()).replace(' ', '_').replace(/:/g, '-');
  return `${stem}_${stamp}.${extension}`;
}

export function exportsFolder(ctx: ApiContext, profileName: string): string {
  const folder = join(ctx.dataRoot, 'exports', profileName);
  mkdirSync(folder, { recursive: true });
  return folder;
}

/**
 * Makes a file with `write` (which writes `path` and returns how many data rows it holds, or
 * null), then hands it over as this transport needs it.
 */
export async function produceFile(
  ctx: ApiContext,
  profileName: string,
  fileName: string,
  extension: keyof typeof mimeTypes,
  write: (path: string) => Promise<number | null>,
): Promise<ProducedFile> {
  const path = join(exportsFolder(ctx, profileName), fileName);
  const rows = await write(path);
  const mimeType = mimeTypes[extension];
  switch (ctx.delivery) {
    case 'file':
      return { fileName, mimeType, rows, path, contentBase64: null };
    case 'bytes': {
      // The browser's download is the copy the officer keeps; leave nothing behind on the host.
      const contentBase64 = readFileSync(path).toString('base64');
      rmSync(path, { force: true });
      return { fileName, mimeType, rows, path: null, contentBase64 };
    }
    default: {
      const unexpected: never = ctx.delivery;
      throw new Error(`Unknown delivery ${String(unexpected)}`);
    }
  }
}

/** The bytes of a file the page sent as base64. */
export function decodeUpload(contentBase64: string): Uint8Array {
  return new Uint8Array(Buffer.from(contentBase64, 'base64'));
}
