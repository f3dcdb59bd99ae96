// The float statement as files: CSV and XLSX for reading (opening balance first, closing balance
// last, real date cells in XLSX), and the bank-statement CSV layouts Xero and QuickBooks Online
// import, so an accountant can load the M-Pesa account into either as a bank account. All through
// the ledger's exporters: streamed, and every text cell neutralised against formulas.
import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConflictError } from '../../shared/errors';
import { dayInputText } from '../../shared/format';
import { nairobiDay } from '../../shared/time';
import { csvChunks, writeCsv, writeXlsxSheets, type ExportTable } from '../ledger/export';
import type { FloatMovement, FloatStatement } from './float-statement';

export const floatExportFormats = ['csv', 'xlsx', 'xero', 'quickbooks'] as const;
export type FloatExportFormat = (typeof floatExportFormats)[number];

const kes = (cents: number | null): number | null => (cents === null ? null : cents / 100);

/** "15/12/2026": the Nairobi day, day first, as Xero and QuickBooks set to Kenya read it. */
const dayFirst = (iso: string): string => dayInputText(nairobiDay(iso));

/** The name M-Pesa shows for the other party ("2547****149 - JANE WAMBUI" → "JANE WAMBUI"). */
export function payeeOf(otherParty: string | null): string | null {
  if (otherParty === null) return null;
  const named = /^\s*[\d*+]+\s*-\s*(.+)$/.exec(otherParty);
  return (named?.[1] ?? otherParty).trim() || null;
}

const signed = (m: FloatMovement): number => (m.paidInCents - m.withdrawnCents) / 100;

/** Refuses to write balances no imported statement shows. */
function requireCovered(view: FloatStatement): void {
  if (!view.covered) throw new ConflictError(view.missing ?? `No imported statement covers ${view.period}`);
}

export function floatStatementTable(view: FloatStatement): ExportTable {
  const header = [
    'Date (Nairobi)',
    'Receipt',
    'Details',
    'Other party',
    'Paid in (KES)',
    'Withdrawn (KES)',
    'Balance (KES)',
    'Ledger row',
    'Payroll run',
  ];
  return {
    header,
    amountColumns: new Set([4, 5, 6]),
    dateColumns: new Set([0]),
    rows: (function* () {
      yield [
        view.from,
        null,
        `Opening balance, ${view.account}, ${view.period}`,
        null,
        null,
        null,
        kes(view.openingBalanceCents),
        null,
        null,
      ];
      for (const m of view.movements) {
        yield [
          m.completedAt,
          m.receipt,
          m.details,
          m.otherParty,
          m.paidInCents === 0 ? null : kes(m.paidInCents),
          m.withdrawnCents === 0 ? null : kes(m.withdrawnCents),
          kes(m.balanceCents),
          m.ledgerId === null ? 'none: not in the ledger' : m.ledgerId,
          m.runTitle,
        ];
      }
      // The last instant of the period; the totals stand in the paid-in and withdrawn columns.
      yield [
        new Date(Date.parse(view.to) - 1000).toISOString(),
        null,
        ['Closing balance (totals of the period in Paid in and Withdrawn).', view.check?.words ?? null, view.partly]
          .filter((part) => part !== null)
          .join(' '),
        null,
        kes(view.paidInCents),
        kes(view.withdrawnCents),
        kes(view.closingBalanceCents),
        null,
        null,
      ];
    })(),
  };
}

/**
 * Xero, "Import a bank statement" (Accounting → Bank accounts → Manage Account → Import a
 * Statement), its CSV template: `*Date,*Amount,Payee,Description,Reference` — the template's own
 * headings (the asterisk marks the two required columns), so Xero assigns every column itself;
 * its optional Cheque Number column is left out, as Xero asks for no empty columns between others.
 * Amount is one signed number: positive for money paid in, negative for money withdrawn (Xero:
 * "for money spent use a minus sign"), two decimals, no thousands separator and no currency.
 * Date is dd/mm/yyyy, the Nairobi day: a Kenyan organisation's regional setting reads day first,
 * and Xero asks once per account when a date could be read either way. Payee is the name M-Pesa
 * shows for the other party, Description the statement's Details (and the payroll run, when the
 * row paid one), Reference the M-Pesa receipt. No opening or closing rows and no balance column:
 * Xero asks for those to be removed. Xero imports up to 1,000 lines per file (`xeroLinesPerFile` in the contract).
 * Sources: Xero Central "Import a CSV bank statement file" (as mirrored by accountants' help
 * pages) and the Xero guide's "Date – DD/MM/YYYY; Amount – for money spent use a minus sign".
 */
export function xeroTable(view: FloatStatement): ExportTable {
  return {
    header: ['*Date', '*Amount', 'Payee', 'Description', 'Reference'],
    amountColumns: new Set([1]),
    rows: (function* () {
      for (const m of view.movements) {
        if (m.paidInCents === m.withdrawnCents) continue; // nothing moved: no bank line
        yield [
          dayFirst(m.completedAt),
          signed(m),
          payeeOf(m.otherParty),
          m.runTitle === null ? m.details : `${m.details} (payroll: ${m.runTitle})`,
          m.receipt,
        ];
      }
    })(),
  };
}

/**
 * QuickBooks Online, Banking → Upload from file, its 3-column CSV layout: `Date,Description,Amount`
 * — the headings Intuit lists ("only use these column headers"), one signed Amount: negative for
 * money out, positive for money in, two decimals, no thousands separator, no currency, and no
 * zero amounts (Intuit: leave a zero out). The 4-column layout (Credit, Debit) says the same with
 * two columns; one signed column is what M-Pesa's Paid In / Withdrawn become with no room to swap
 * them. Date is dd/mm/yyyy, the Nairobi day: QuickBooks reads dates in the company's regional
 * format (a Kenyan company: day first) and asks for the format at upload. Description carries the
 * receipt, the statement's Details, the other party and the payroll run, as QuickBooks keeps no
 * other column. Intuit's checklist also warns against numbers in Description; we read that as a
 * column of amounts put there by mistake: an M-Pesa receipt or phone number inside text stays.
 * No opening or closing rows: QuickBooks takes transactions only.
 * Source: QuickBooks Help, "Prepare your CSV file for bank upload to QuickBooks" (Intuit, en-GB).
 */
export function quickBooksTable(view: FloatStatement): ExportTable {
  return {
    header: ['Date', 'Description', 'Amount'],
    amountColumns: new Set([2]),
    rows: (function* () {
      for (const m of view.movements) {
        if (m.paidInCents === m.withdrawnCents) continue;
        const parts = [m.receipt, m.details, m.otherParty, m.runTitle === null ? null : `payroll: ${m.runTitle}`];
        yield [dayFirst(m.completedAt), parts.filter((p) => p !== null && p !== '').join(' - '), signed(m)];
      }
    })(),
  };
}

/**
 * A CSV for another program to import, not for Excel: the same cells as writeCsv but without the
 * byte-order mark, which an importer may read as part of the first heading ("\uFEFF*Date").
 */
async function writeImportCsv(table: ExportTable, output: string | Writable): Promise<void> {
  async function* withoutBom(): AsyncGenerator<string> {
    let first = true;
    for await (const chunk of csvChunks(table)) {
      yield first ? chunk.replace(/^\uFEFF/, '') : chunk;
      first = false;
    }
  }
  const target = typeof output === 'string' ? createWriteStream(output) : output;
  await pipeline(Readable.from(withoutBom()), target);
}

/** "mshahara-float-utility-account-2026-12-xero": the file's name before its time stamp. */
export function floatExportFileStem(view: FloatStatement, format: FloatExportFormat): string {
  const account = view.account
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const kind = format === 'xero' || format === 'quickbooks' ? `-${format}` : '';
  return `mshahara-float-${account}-${view.period}${kind}`;
}

/** Writes the float statement in `format`; returns how many movements it holds. */
export async function exportFloatStatement(
  view: FloatStatement,
  output: string | Writable,
  format: FloatExportFormat,
): Promise<number> {
  requireCovered(view);
  switch (format) {
    case 'csv':
      await writeCsv(floatStatementTable(view), output);
      break;
    case 'xlsx':
      await writeXlsxSheets([{ table: floatStatementTable(view), name: 'Float statement' }], output);
      break;
    case 'xero':
      await writeImportCsv(xeroTable(view), output);
      break;
    case 'quickbooks':
      await writeImportCsv(quickBooksTable(view), output);
      break;
    default: {
      const unknown: never = format;
      throw new Error(`Unknown float statement format ${String(unknown)}`);
    }
  }
  return view.movements.length;
}
