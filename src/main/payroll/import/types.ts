// The shapes a payroll or worker file import produces: the preview a payroll officer checks before
// anything is saved or paid, and the neutral table both the CSV and the XLSX readers produce.
import type { Cents } from '../../../shared/money';
import type { Msisdn } from '../../../shared/phone';
import type { ColumnName, Merge } from './columns';

/**
 * One cell as the file holds it. `formula` is set when an XLSX cell holds a formula: its text is
 * then the value Excel last computed and saved (Mshahara never evaluates one), or '' when none was saved.
 */
export type SheetCell = { text: string; formula?: string };

/** One row, numbered as a spreadsheet program shows it. */
export type SheetRow = { row: number; cells: SheetCell[] };

/** A file read into rows, before any payroll meaning is given to them. The header row is found later. */
export type Sheet = {
  rows: SheetRow[];
  /** Things the officer should know about the file as a whole (hidden rows left out). */
  notes: string[];
  /** For XLSX: every sheet's name, and the one read. */
  sheets?: string[];
  sheet?: string;
  /** XLSX merged ranges (zero-based columns, sheet row numbers): a merged title covers every column under it. */
  merges?: Merge[];
};

export type ImportedRow = {
  row: number;
  name: string;
  msisdn: Msisdn;
  amountCents: Cents;
  reference: string;
  nationalId?: string;
  department?: string;
  staffNumber?: string;
  /** A worker list row with no amount (amountCents is then 0): the worker is saved without a usual amount. */
  noAmount?: true;
};

/** A row Mshahara will not take, with every problem found in it, and the cells as the file had them. */
export type RejectedRow = { row: number; reason: string; raw: string[] };

/** Something the officer should look at that does not stop the row (a name that is a number, a phone of another worker). */
export type ImportWarning = { row: number; message: string };

/** One column of the file as read: its title, and what Mshahara took it to mean (null: not used). */
export type ImportColumn = { index: number; title: string; meaning: ColumnName | null };

export type ImportPreview = {
  valid: ImportedRow[];
  invalid: RejectedRow[];
  warnings: ImportWarning[];
  totals: { count: number; amountCents: Cents };
  /** The header row's number, its columns and their meanings, and a key naming this layout of titles. */
  headerRow: number;
  columns: ImportColumn[];
  layout: string;
  notes: string[];
  sheets: string[];
  sheet: string | null;
  /** Where the columns' meanings came from: their titles, the person's choice now, or the choice remembered for this layout. */
  mappedBy: 'titles' | 'chosen' | 'remembered';
  /** Required meanings no column was found for: the person maps them (see ImportOptions.allowUnmapped). */
  missingColumns: ColumnName[];
};

/** A person's choice of meaning for some columns, by column index; overrides what the titles say. */
export type ColumnMapping = Partial<Record<ColumnName, number | null>>;

export type ImportOptions = {
  /** Phones of workers already saved, with their names. */
  existingPhones?: ReadonlyMap<Msisdn, string>;
  /**
   * What a phone already held by a saved worker means: a workers import must not create the worker
   * twice ('invalid'); a payroll file pays existing workers, so it only tells the officer ('warn').
   */
  duplicatesAgainstExisting: 'invalid' | 'warn';
  /** Payroll files need an amount on every row; a worker list may leave it empty. */
  amountRequired?: boolean;
  /** Saved workers' usual pay by phone: an amount far from it is flagged. */
  usualAmounts?: ReadonlyMap<Msisdn, Cents>;
  /** The reference used for a row whose reference cell is empty (the run's title). */
  defaultReference?: string;
  /** Which XLSX sheet to read (by name); the first visible one otherwise. */
  sheet?: string;
  /** Column meanings the person chose, overriding the titles. */
  mapping?: ColumnMapping;
  /** Mappings chosen earlier, by layout key: applied when this file's layout matches and no mapping is given. */
  rememberedMappings?: Readonly<Record<string, ColumnMapping>>;
  /** Return a preview with missingColumns (and no rows) rather than refusing a file whose titles are not all recognised. */
  allowUnmapped?: boolean;
};
