// How large an imported file may be. A payroll sheet of 100,000 people is far beyond any employer
// Mshahara serves; each limit sits well above that, and anything past it is refused before (or
// while) it is read, never after it has filled memory.
import { maxFileBytes } from '../../../shared/file-limits';

export const importLimits = {
  /** Bytes of the file as chosen: the one limit the page and the browser host check too. */
  fileBytes: maxFileBytes,
  /** Data rows (not counting blank ones). */
  rows: 100_000,
  /** Columns in any row. */
  columns: 256,
  /** Characters in one cell. */
  cellChars: 2_000,
  /** Entries in an XLSX zip. */
  zipEntries: 2_000,
  /** Declared inflated bytes of one XLSX part (a worksheet, the shared strings). */
  zipPartBytes: 64 * 1024 * 1024,
  /** Declared inflated bytes of all the parts read together. */
  zipTotalBytes: 128 * 1024 * 1024,
  /** Rows looked at for the header (title rows and merged group headers come first). */
  headerSearchRows: 10,
} as const;

/** Limits on the reading thread itself: a file that gets past the checks above still cannot take the app with it. */
export const workerLimits = {
  heapMb: 384,
  youngMb: 48,
  /** Wall-clock time a preview may take before the reading thread is stopped. */
  timeoutMs: 30_000,
} as const;
