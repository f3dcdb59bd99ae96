// Contract shapes for reading a payroll or worker file: the preview (rows to pay, rows left out with
// reasons, flags, notes, the columns and what each was taken to mean), the person's choices (sheet,
// column mapping), and the left-out rows as a file to fix and import again.
import { z } from 'zod';
import { cents, exportFormat, msisdn, producedFile } from './common';

import { importColumnNames } from '../contract-values';

export { importColumnNames } from '../contract-values';
export const importColumnName = z.enum(importColumnNames);

const columnIndex = z.number().int().min(0).max(255);

/** What the person chose for this file: which sheet, and which column means what (null: none). */
export const importChoice = {
  sheet: z.string().max(255).optional(),
  mapping: z.partialRecord(importColumnName, columnIndex.nullable()).optional(),
};

const rejectedRow = z.object({ row: z.number().int(), reason: z.string(), raw: z.array(z.string()) });

export const importPreview = z.object({
  valid: z.array(
    z.object({
      row: z.number().int(),
      name: z.string(),
      phone: msisdn,
      amountCents: cents,
      reference: z.string(),
      nationalId: z.string().nullable(),
      department: z.string().nullable(),
    }),
  ),
  /** Rows left out, each with every reason, and the cells as the file had them. */
  invalid: z.array(rejectedRow),
  /** Rows kept but worth a second look (a formula-looking name, another worker's phone…). */
  warnings: z.array(z.object({ row: z.number().int(), message: z.string() })),
  totals: z.object({ count: z.number().int(), amountCents: cents }),
  headerRow: z.number().int(),
  columns: z.array(z.object({ index: z.number().int(), title: z.string(), meaning: importColumnName.nullable() })),
  layout: z.string(),
  mappedBy: z.enum(['titles', 'chosen', 'remembered']),
  /** Required meanings no column has: the person maps them before anything can be read. */
  missingColumns: z.array(importColumnName),
  notes: z.array(z.string()),
  sheets: z.array(z.string()),
  sheet: z.string().nullable(),
});
export type ImportPreviewView = z.output<typeof importPreview>;

export const importMethods = {
  /** The rows a file left out, as the file had them plus a Reason column, to fix and import again. */
  'imports.leftOutFile': {
    input: z
      .object({
        fileName: z.string().trim().min(1).max(255),
        titles: z.array(z.string().max(2000)).max(256),
        rows: z.array(rejectedRow).max(100_000),
        format: exportFormat,
      })
      .strict(),
    output: producedFile,
  },
} as const;
