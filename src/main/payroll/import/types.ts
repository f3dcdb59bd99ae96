// The shapes a payroll or worker file import produces: the preview a payroll officer checks before
// anything is saved or paid, and the neutral table both the CSV and the XLSX readers produce.
import type { Cents } from '../../../shared/money';
import type { Msisdn } from '../../../shared/phone';

/** One cell as the file holds it. `formula` is set when an XLSX cell holds a formula (its text is then the formula). */
export type SheetCell = { text: string; formula?: string };

/** One non-header row, numbered as a spreadsheet program shows it (the header is row 1). */
export type SheetRow = { row: number; cells: SheetCell[] };

/** A file read into rows, before any payroll meaning is given to them. */
export type Sheet = { header: SheetRow; rows: SheetRow[] };

export type ImportedRow = {
  row: number;
  name: string;
  msisdn: Msisdn;
  amountCents: Cents;
  reference: string;
  nationalId?: string;
  department?: string;
};

/** A row Mshahara will not take, with every problem found in it, and the cells as the file had them. */
export type RejectedRow = { row: number; reason: string; raw: string[] };

/** Something the officer should see but that does not stop the row (a payroll line for an existing worker). */
export type ImportWarning = { row: number; message: string };

export type ImportPreview = {
  valid: ImportedRow[];
  invalid: RejectedRow[];
  warnings: ImportWarning[];
  totals: { count: number; amountCents: Cents };
};

export type ImportOptions = {
  /** Phones of workers already saved, with their names. */
  existingPhones?: ReadonlyMap<Msisdn, string>;
  /**
   * What a phone already held by a saved worker means: a workers import must not create the worker
   * twice ('invalid'); a payroll file pays existing workers, so it only tells the officer ('warn').
   */
  duplicatesAgainstExisting: 'invalid' | 'warn';
};
