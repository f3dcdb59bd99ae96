// The import itself, on whichever thread calls it: bytes of a CSV or XLSX file in, preview out.
// Pure: it reads no disk and no database; saved workers' phones come in as an argument.
import { ValidationError } from '../../../shared/errors';
import { readCsv } from './read-csv';
import { readXlsx } from './read-xlsx';
import type { ImportOptions, ImportPreview, Sheet } from './types';
import { findHeader } from './columns';
import { buildPreview, requiredColumns } from './validate-rows';

export function previewCsv(content: string | Uint8Array, options: ImportOptions): ImportPreview {
  return buildPreview(readCsv(content), options);
}

/** True when the sheet's titles place every required column (no mapping needed). */
function placesEveryColumn(sheet: Sheet, options: ImportOptions): boolean {
  if (sheet.rows.length === 0) return false;
  try {
    const header = findHeader(sheet.rows, sheet.merges ?? [], options.mapping);
    const remembered = options.mapping === undefined ? options.rememberedMappings?.[header.layout] : undefined;
    const map = remembered === undefined ? header.map : findHeader(sheet.rows, sheet.merges ?? [], remembered).map;
    return requiredColumns(options).every((column) => map[column] !== undefined);
  } catch {
    return false;
  }
}

/**
 * Reads the sheet asked for; otherwise the first sheet whose titles place name, phone and amount (a
 * summary sheet often comes first), or the first sheet when none does, for the person to map.
 */
export async function previewXlsx(content: Uint8Array, options: ImportOptions): Promise<ImportPreview> {
  const first = await readXlsx(content, options.sheet);
  if (options.sheet !== undefined || placesEveryColumn(first, options)) return buildPreview(first, options);
  for (const name of (first.sheets ?? []).filter((n) => n !== first.sheet)) {
    const other = await readXlsx(content, name);
    if (placesEveryColumn(other, options)) return buildPreview(other, options);
  }
  return buildPreview(first, options);
}

export type ImportFileKind = 'csv' | 'xlsx';

/** Decided by the file's first bytes, not its name: a renamed file is read for what it is. */
export function importFileKind(content: Uint8Array): ImportFileKind {
  const startsWith = (...bytes: number[]): boolean => bytes.every((byte, i) => content[i] === byte);
  if (startsWith(0x50, 0x4b, 0x03, 0x04)) return 'xlsx';
  if (startsWith(0xd0, 0xcf, 0x11, 0xe0)) {
    throw new ValidationError(
      'This is an old Excel .xls file; save it as .xlsx (Excel Workbook) or CSV and import that',
    );
  }
  return 'csv';
}

/** Reads the file on this thread. The app calls previewPayrollFile, which runs this on a bounded thread. */
export async function previewHere(content: Uint8Array, options: ImportOptions): Promise<ImportPreview> {
  const kind = importFileKind(content);
  switch (kind) {
    case 'csv':
      return previewCsv(content, options);
    case 'xlsx':
      return previewXlsx(content, options);
    default: {
      const unknown: never = kind;
      throw new Error(`Unknown import file kind ${String(unknown)}`);
    }
  }
}
