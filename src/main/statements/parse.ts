// Reads an M-Pesa organisation-portal statement (REFERENCE §13): the header is found by its column
// names wherever it is (six preamble lines today, twenty-odd and a "Transactions" marker in the
// older layout), columns are taken by name (the older layout puts Withdrawn before Paid In), and
// every row that cannot be read is named with its line and the reason. Nothing is dropped silently.
import { ValidationError } from '../../shared/errors';
import { MoneyError, parseKes, type Cents } from '../../shared/money';
import type { GridCell, GridLine } from './grid';

export type StatementEntry = 'money' | 'charge' | 'reversal';

export interface StatementRow {
  line: number;
  receipt: string;
  entry: StatementEntry;
  completedAt: string;
  initiatedAt: string | null;
  details: string;
  status: string;
  paidInCents: Cents;
  withdrawnCents: Cents;
  balanceCents: Cents | null;
  balanceConfirmed: boolean | null;
  reasonType: string | null;
  otherParty: string | null;
  phone: string | null;
  linkedReceipt: string | null;
  accountNumber: string | null;
}

export interface StatementProblem {
  line: number;
  reason: string;
}

export interface StatementPreamble {
  organisation: string | null;
  account: string | null;
  periodFrom: string | null;
  periodTo: string | null;
  openingBalanceCents: Cents | null;
  closingBalanceCents: Cents | null;
}

export interface ParsedStatement {
  preamble: StatementPreamble;
  headerLine: number;
  rows: StatementRow[];
  problems: StatementProblem[];
}

const columns = {
  receipt: ['receipt no', 'receipt', 'receipt number'],
  completed: ['completion time', 'date'],
  initiated: ['initiation time'],
  details: ['details'],
  status: ['transaction status', 'status'],
  paidIn: ['paid in'],
  withdrawn: ['withdrawn', 'withdrawal'],
  balance: ['balance'],
  confirmed: ['balance confirmed'],
  reason: ['reason type', 'transaction type'],
  party: ['other party info'],
  linked: ['linked transaction id'],
  accountNumber: ['a/c no', 'ac no', 'account no'],
} as const;
type Column = keyof typeof columns;
const required: readonly Column[] = ['receipt', 'completed', 'details', 'status', 'paidIn', 'withdrawn', 'balance'];

function titleOf(cell: GridCell): string {
  return text(cell)
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/["'.:]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function text(cell: GridCell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return cell.trim();
  if (cell instanceof Date) return cell.toISOString();
  return String(cell);
}

/** Column positions of a line that names every required column, else null. */
function headerOf(cells: GridCell[]): Map<Column, number> | null {
  const found = new Map<Column, number>();
  cells.forEach((cell, index) => {
    const title = titleOf(cell);
    for (const [column, names] of Object.entries(columns) as Array<[Column, readonly string[]]>) {
      if (!found.has(column) && (names as readonly string[]).includes(title)) found.set(column, index);
    }
  });
  return required.every((column) => found.has(column)) ? found : null;
}

// M-Pesa prints Nairobi time (UTC+3, no daylight saving).
const nairobiOffsetMs = 3 * 3600_000;
const datePatterns: Array<{ pattern: RegExp; order: 'dmy' | 'ymd' }> = [
  { pattern: /^(\d{2})[-/](\d{2})[-/](\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/, order: 'dmy' },
  { pattern: /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/, order: 'ymd' },
];

/** A statement time (dd-MM-yyyy HH:mm[:ss], yyyy-MM-dd HH:mm:ss, or an Excel date cell) as ISO UTC. */
export function statementTime(cell: GridCell): string | null {
  if (cell instanceof Date) {
    // Excel date cells carry no zone: exceljs reads the wall-clock time as UTC.
    return Number.isNaN(cell.getTime()) ? null : new Date(cell.getTime() - nairobiOffsetMs).toISOString();
  }
  if (typeof cell === 'number' && cell > 20000 && cell < 80000) {
    // A date cell read as its serial number (days since 1899-12-30).
    return new Date(Math.round((cell - 25569) * 86400_000) - nairobiOffsetMs).toISOString();
  }
  const value = text(cell);
  for (const { pattern, order } of datePatterns) {
    const m = pattern.exec(value);
    if (m === null) continue;
    const [a, b, c, hh, mm, ss] = m.slice(1).map((part) => Number(part ?? 0)) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const [year, month, day] = order === 'dmy' ? [c, b, a] : [a, b, c];
    if (month < 1 || month > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 59) return null;
    const ms = Date.UTC(year, month - 1, day, hh, mm, ss);
    if (new Date(ms).getUTCDate() !== day) return null;
    return new Date(ms - nairobiOffsetMs).toISOString();
  }
  return null;
}

/** An amount cell ("1,540.00", "-1540", 1540, blank) as cents; null when blank. Throws when unreadable. */
function amount(cell: GridCell, field: string): Cents | null {
  if (cell === null || (typeof cell === 'string' && cell.trim() === '')) return null;
  if (typeof cell === 'number') return parseKes(cell);
  if (typeof cell !== 'string') throw new MoneyError(`${field} is not an amount`);
  const cleaned = cell
    .trim()
    .replace(/\s/g, '')
    .replace(/^\((.*)\)$/, '-$1');
  try {
    return parseKes(cleaned);
  } catch {
    throw new MoneyError(`${field} "${cell.trim()}" is not an amount in shillings`);
  }
}

/** The full 12-digit number from Other Party Info, or null when it is masked or absent. */
export function partyPhone(otherParty: string | null): string | null {
  if (otherParty === null) return null;
  const left = otherParty.split(' - ')[0]?.split('-')[0]?.replace(/\s/g, '') ?? '';
  if (/^254[17]\d{8}$/.test(left)) return left;
  if (/^0[17]\d{8}$/.test(left)) return `254${left.slice(1)}`;
  return null;
}

function entryOf(reasonType: string | null, details: string, linked: string | null): StatementEntry {
  const words = `${reasonType ?? ''} ${details}`.toLowerCase();
  if (/\bcharge\b/.test(words)) return 'charge';
  if (/revers/.test(words) && linked !== null) return 'reversal';
  return 'money';
}

function readPreamble(lines: GridLine[]): StatementPreamble {
  const preamble: StatementPreamble = {
    organisation: null,
    account: null,
    periodFrom: null,
    periodTo: null,
    openingBalanceCents: null,
    closingBalanceCents: null,
  };
  for (const { cells } of lines) {
    const pairs: Array<[string, string, GridCell]> = [];
    // "Key,Value" or "Key:,Value" or "Key: Value" in one cell.
    const first = text(cells[0]);
    const colon = first.indexOf(':');
    if (cells.length > 1 && text(cells[1]) !== '') pairs.push([first, text(cells[1]), cells[1] ?? null]);
    else if (colon > 0)
      pairs.push([first.slice(0, colon), first.slice(colon + 1).trim(), first.slice(colon + 1).trim()]);
    for (const [rawKey, value, cell] of pairs) {
      const key = rawKey.toLowerCase().replace(/[:.]/g, '').trim();
      if (/^organi[sz]ation( name)?$/.test(key)) preamble.organisation = value;
      else if (/^(account|account name|account type)$/.test(key)) preamble.account = value;
      else if (/^(time period|period)$/.test(key)) {
        const [from, to] = value.split(/\s+(?:-|to)\s+/i);
        preamble.periodFrom = from === undefined ? null : statementTime(from.length <= 10 ? `${from} 00:00:00` : from);
        preamble.periodTo = to === undefined ? null : statementTime(to.length <= 10 ? `${to} 23:59:59` : to);
      } else if (/opening balance/.test(key)) preamble.openingBalanceCents = safeAmount(cell);
      else if (/closing balance/.test(key)) preamble.closingBalanceCents = safeAmount(cell);
    }
  }
  return preamble;
}

function safeAmount(cell: GridCell): Cents | null {
  try {
    return amount(cell, 'balance');
  } catch {
    return null;
  }
}

/**
 * Reads a statement line by line, so a 100,000-row file is never held twice: lines before the
 * header are kept (for the preamble) until the header is found; after it, each line becomes a row
 * or a named problem at once.
 */
export class StatementReader {
  private readonly before: GridLine[] = [];
  private at: Map<Column, number> | null = null;
  private headerLine = 0;
  private readonly rows: StatementRow[] = [];
  private readonly problems: StatementProblem[] = [];

  push(line: GridLine): void {
    if (this.at !== null) {
      this.readRow(line);
      return;
    }
    const found = headerOf(line.cells);
    if (found === null) {
      // The preamble is a few lines; a file that is all preamble is refused at the end anyway.
      if (this.before.length < 200) this.before.push(line);
      return;
    }
    this.at = found;
    this.headerLine = line.line;
  }

  finish(): ParsedStatement {
    if (this.at === null) {
      throw new ValidationError(
        'No statement header found: the file must have a line with Receipt No., Completion Time, Details, Transaction Status, Paid In, Withdrawn and Balance (the M-Pesa portal export)',
      );
    }
    return {
      preamble: readPreamble(this.before),
      headerLine: this.headerLine,
      rows: this.rows,
      problems: this.problems,
    };
  }

  private cell(cells: GridCell[], column: Column): GridCell {
    const index = (this.at as Map<Column, number>).get(column);
    return index === undefined ? null : (cells[index] ?? null);
  }

  private readRow({ line, cells }: GridLine): void {
    const { rows, problems } = this;
    const cell = (c: GridCell[], column: Column): GridCell => this.cell(c, column);
    const receipt = text(cell(cells, 'receipt'));
    const receiptLike = /^[A-Z0-9]{6,20}$/i.test(receipt);
    if (!receiptLike && cells.every((c) => text(c) === '')) return;
    // Footers and the old layout's section rows are text in the first cell and nothing else.
    if (!receiptLike && cells.slice(1).every((c) => text(c) === '')) {
      problems.push({ line, reason: `not a transaction row ("${receipt.slice(0, 40)}")` });
      return;
    }
    const reasons: string[] = [];
    if (!receiptLike)
      reasons.push(receipt === '' ? 'Receipt No. is empty' : `Receipt No. "${receipt}" is not an M-Pesa receipt`);
    const completedAt = statementTime(cell(cells, 'completed'));
    if (completedAt === null)
      reasons.push(`Completion Time "${text(cell(cells, 'completed'))}" is not a date (dd-MM-yyyy HH:mm:ss)`);
    const initiatedCell = cell(cells, 'initiated');
    const initiatedAt = text(initiatedCell) === '' ? null : statementTime(initiatedCell);
    let paidIn: Cents | null = null;
    let withdrawn: Cents | null = null;
    let balance: Cents | null = null;
    try {
      paidIn = amount(cell(cells, 'paidIn'), 'Paid In');
      if (paidIn !== null && paidIn < 0) reasons.push('Paid In is negative');
    } catch (error) {
      reasons.push((error as Error).message);
    }
    try {
      // Withdrawn is written positive or negative depending on the export; the column says the direction.
      const value = amount(cell(cells, 'withdrawn'), 'Withdrawn');
      withdrawn = value === null ? null : Math.abs(value);
    } catch (error) {
      reasons.push((error as Error).message);
    }
    try {
      balance = amount(cell(cells, 'balance'), 'Balance');
    } catch (error) {
      reasons.push((error as Error).message);
    }
    if (reasons.length === 0 && (paidIn ?? 0) > 0 && (withdrawn ?? 0) > 0)
      reasons.push('both Paid In and Withdrawn hold an amount');
    const status = text(cell(cells, 'status'));
    if (status === '') reasons.push('Transaction Status is empty');
    if (reasons.length > 0) {
      problems.push({ line, reason: reasons.join('; ') });
      return;
    }
    const details = text(cell(cells, 'details'));
    const reasonType = text(cell(cells, 'reason')) || null;
    const otherParty = text(cell(cells, 'party')) || null;
    const linkedReceipt = text(cell(cells, 'linked')) || null;
    const confirmed = text(cell(cells, 'confirmed')).toLowerCase();
    rows.push({
      line,
      receipt: receipt.toUpperCase(),
      entry: entryOf(reasonType, details, linkedReceipt),
      completedAt: completedAt as string,
      initiatedAt,
      details,
      status,
      paidInCents: paidIn ?? 0,
      withdrawnCents: withdrawn ?? 0,
      balanceCents: balance,
      balanceConfirmed: confirmed === '' ? null : confirmed === 'true',
      reasonType,
      otherParty,
      phone: partyPhone(otherParty),
      linkedReceipt: linkedReceipt?.toUpperCase() ?? null,
      accountNumber: text(cell(cells, 'accountNumber')) || null,
    });
  }
}

export function parseStatement(lines: Iterable<GridLine>): ParsedStatement {
  const reader = new StatementReader();
  for (const line of lines) reader.push(line);
  return reader.finish();
}
