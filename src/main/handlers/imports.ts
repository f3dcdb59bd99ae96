// Reading an uploaded payroll or worker file for the screens: the preview with the person's sheet
// and column choices (a mapping they chose is remembered for the file's layout), and the rows a
// file left out as a file of their own, with the reason, to fix and import again.
import type { ImportPreviewView, MethodInput } from '../../shared/contract';
import type { ProfileDatabase } from '../db';
import { writeLeftOutFile } from './left-out-table';
import { previewFileFor } from '../payroll/file-preview';
import type { ColumnMapping, ImportPreview } from '../payroll/import';
import { rememberMapping } from '../payroll/import-mappings';
import type { ContractHandlers } from '../transports/dispatch';
import type { ApiContext } from './context';
import { decodeUpload, exportFileName, produceFile } from './files';

export function importPreviewView(preview: ImportPreview): ImportPreviewView {
  return {
    valid: preview.valid.map((row) => ({
      row: row.row,
      name: row.name,
      phone: row.msisdn,
      amountCents: row.amountCents,
      reference: row.reference,
      nationalId: row.nationalId ?? null,
      department: row.department ?? null,
    })),
    invalid: preview.invalid.map((row) => ({ row: row.row, reason: row.reason, raw: [...row.raw] })),
    warnings: preview.warnings.map((warning) => ({ ...warning })),
    totals: { ...preview.totals },
    headerRow: preview.headerRow,
    columns: preview.columns.map((column) => ({ ...column })),
    layout: preview.layout,
    mappedBy: preview.mappedBy,
    missingColumns: [...preview.missingColumns],
    notes: [...preview.notes],
    sheets: [...preview.sheets],
    sheet: preview.sheet,
  };
}

export type UploadChoice = { contentBase64: string; sheet?: string | undefined; mapping?: ColumnMapping | undefined };

/**
 * Reads an upload as a payroll file (a saved worker's phone is a note) or a worker list (it is a
 * refusal; amounts optional). `forPreview` lets a file whose columns are not all placed come back
 * for mapping; creating from it refuses instead. A mapping that places every column is remembered.
 */
export async function readUpload(
  db: ProfileDatabase,
  upload: UploadChoice,
  kind: 'payroll' | 'workers',
  actor: string,
  forPreview: boolean,
): Promise<ImportPreview> {
  const preview = await previewFileFor(db, decodeUpload(upload.contentBase64), kind, {
    sheet: upload.sheet,
    mapping: upload.mapping,
    allowUnmapped: forPreview,
  });
  if (upload.mapping !== undefined && preview.missingColumns.length === 0)
    rememberMapping(db, preview.layout, upload.mapping, actor);
  return preview;
}

type ImportMethods = 'imports.leftOutFile';

export function importHandlers(ctx: ApiContext): Pick<ContractHandlers, ImportMethods> {
  return {
    'imports.leftOutFile': (input: MethodInput<'imports.leftOutFile'>) => {
      const profile = ctx.session.current?.profile.name ?? 'no-profile';
      const stem = `${input.fileName
        .replace(/\.[^.]*$/, '')
        .replace(/[^\w.-]+/g, '-')
        .slice(0, 60)}-left-out`;
      return produceFile(ctx, profile, exportFileName(stem, input.format), input.format, async (path) => {
        await writeLeftOutFile(input.titles, input.rows, path, input.format);
        return input.rows.length;
      });
    },
  };
}
