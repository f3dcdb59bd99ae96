// What reading a payroll file or a worker list checks, for every door (the screens' uploads,
// `cli pay`, `cli workers import`): a saved worker's phone is a note in a payroll file and a
// refusal in a worker list; a payroll row needs an amount and is compared with the worker's usual
// pay; a column layout mapped before is read the same way again.
import type { ProfileDatabase } from '../db';
import { previewPayrollFile, type ColumnMapping, type ImportOptions, type ImportPreview } from './import';
import { rememberedMappings } from './import-mappings';
import { existingPhones, usualAmounts } from './workers';

export type FileKind = 'payroll' | 'workers';

export interface FileChoices {
  sheet?: string | undefined;
  mapping?: ColumnMapping | undefined;
  /** Return a file whose columns are not all placed, for the person to map (a preview only). */
  allowUnmapped?: boolean;
}

export function previewFileFor(
  db: ProfileDatabase,
  content: Uint8Array,
  kind: FileKind,
  choices: FileChoices = {},
): Promise<ImportPreview> {
  const options: ImportOptions = {
    existingPhones: existingPhones(db),
    duplicatesAgainstExisting: kind === 'payroll' ? 'warn' : 'invalid',
    amountRequired: kind === 'payroll',
    rememberedMappings: rememberedMappings(db),
    ...(choices.allowUnmapped === true ? { allowUnmapped: true } : {}),
    ...(kind === 'payroll' ? { usualAmounts: usualAmounts(db) } : {}),
    ...(choices.sheet === undefined ? {} : { sheet: choices.sheet }),
    ...(choices.mapping === undefined ? {} : { mapping: choices.mapping }),
  };
  return previewPayrollFile(content, options);
}
