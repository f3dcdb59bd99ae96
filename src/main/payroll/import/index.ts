// Entry point of payroll and worker file import: bytes of a CSV or XLSX file in, preview out.
// The app's doors call previewPayrollFile, which reads on a bounded thread (read-off-thread.ts).
import { previewOffThread } from './read-off-thread';
import type { ImportOptions, ImportPreview } from './types';

export { importFileKind, previewCsv, previewHere, previewXlsx, type ImportFileKind } from './preview';
export { columnNames, type ColumnName } from './columns';
export type {
  ColumnMapping,
  ImportColumn,
  ImportOptions,
  ImportPreview,
  ImportedRow,
  ImportWarning,
  RejectedRow,
} from './types';

/** Reads a payroll or worker file off the core's thread, within the limits of limits.ts. */
export function previewPayrollFile(content: Uint8Array, options: ImportOptions): Promise<ImportPreview> {
  return previewOffThread(content, options);
}
