// Reads the parts of an XLSX workbook (a zip) without trusting it: the central directory's declared
// sizes are checked before anything is inflated, and inflating stops the moment a part grows past
// what it declared (yauzl's validateEntrySizes), so a 5 MB file cannot become 5 GB in memory.
import { Buffer } from 'node:buffer';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ValidationError } from '../../../shared/errors';
import { importLimits } from './limits';

export type ZipParts = { entries: Map<string, Entry>; zip: ZipFile };

const notReadable = 'The file is not a readable XLSX workbook; save it again from Excel as .xlsx, or export it as CSV';

/** Opens the zip and lists its entries from the central directory; nothing is inflated yet. */
export function openZip(content: Uint8Array): Promise<ZipParts> {
  const bytes = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (error, zip) => {
      if (error !== null || zip === undefined) {
        reject(new ValidationError(notReadable, { cause: error }));
        return;
      }
      if (zip.entryCount > importLimits.zipEntries) {
        zip.close();
        reject(
          new ValidationError(
            `The workbook holds ${zip.entryCount.toLocaleString('en-KE')} parts; an XLSX payroll sheet holds a few dozen`,
          ),
        );
        return;
      }
      const entries = new Map<string, Entry>();
      zip.on('entry', (entry: Entry) => {
        entries.set(entry.fileName.replace(/^\/+/, ''), entry);
        zip.readEntry();
      });
      zip.on('end', () => resolve({ entries, zip }));
      zip.on('error', (cause: unknown) => reject(new ValidationError(notReadable, { cause })));
      zip.readEntry();
    });
  });
}

/** Refuses, before inflating any, parts whose declared sizes are beyond any payroll sheet. */
export function checkDeclaredSizes(parts: readonly Entry[]): void {
  let total = 0;
  for (const entry of parts) {
    if (entry.uncompressedSize > importLimits.zipPartBytes) {
      throw new ValidationError(
        `The workbook's part ${entry.fileName} would unpack to ${(entry.uncompressedSize / 1024 / 1024).toFixed(0)} MB; a payroll sheet is far smaller, so the file is refused`,
      );
    }
    total += entry.uncompressedSize;
  }
  if (total > importLimits.zipTotalBytes) {
    throw new ValidationError(
      `The workbook would unpack to ${(total / 1024 / 1024).toFixed(0)} MB; a payroll sheet is far smaller, so the file is refused`,
    );
  }
}

/** Inflates one part and hands its text on in pieces as it comes, so no part is ever held whole. */
export function streamPartText(parts: ZipParts, entry: Entry, onText: (text: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    parts.zip.openReadStream(entry, (error, stream) => {
      if (error !== null || stream === undefined) {
        reject(new ValidationError(notReadable, { cause: error }));
        return;
      }
      const decoder = new TextDecoder('utf-8', { fatal: true });
      let failed = false;
      const fail = (cause: unknown): void => {
        if (failed) return;
        failed = true;
        stream.destroy();
        if (cause instanceof ValidationError) reject(cause);
        else {
          const message = cause instanceof Error ? cause.message : String(cause);
          reject(
            new ValidationError(
              /too many bytes|expected/.test(message)
                ? `The workbook's part ${entry.fileName} unpacks to more than it declares; the file is damaged or built to harm, and is refused`
                : notReadable,
              { cause },
            ),
          );
        }
      };
      stream.on('data', (chunk: Buffer) => {
        try {
          onText(decoder.decode(chunk, { stream: true }));
        } catch (cause) {
          fail(cause);
        }
      });
      stream.on('error', fail);
      stream.on('end', () => {
        if (failed) return;
        try {
          onText(decoder.decode());
          resolve();
        } catch (cause) {
          fail(cause);
        }
      });
    });
  });
}
