// The float statement of one M-Pesa account for a period: the opening balance, every movement in
// time order with the running balance as M-Pesa printed it (and the ledger row and payroll run it
// matched), the totals and the closing balance, checked two ways. The imported statement rows are
// the source of truth: they are M-Pesa's own record and the only one with balances. Reads only.
import { formatCount, formatDateTime } from '../../shared/format';
import { formatKesWithCurrency, type Cents } from '../../shared/money';
import type { ProfileDatabase } from '../db';
import { checkContinuity, type BalanceGap } from './continuity';
import type { StatementRow } from './parse';
import { periodRange } from './period';
import type { StatementRowFigures } from './reconcile';

export interface FloatMovement extends StatementRowFigures {
  /** The ledger row the statement row matched (a charge row: its payment), or null when it has none. */
  ledgerId: number | null;
  runId: number | null;
  runTitle: string | null;
}

export interface FloatCheck {
  /** Opening + paid in − withdrawn = closing. */
  adds: boolean;
  /** The Balance column chains row by row (from the row before the period, when there is one). */
  chains: boolean;
  breaks: BalanceGap[];
  /** The check in plain words. */
  words: string;
}

export interface FloatStatement {
  account: string;
  period: string;
  from: string;
  to: string;
  /** False when no imported statement covers the account and period: no balances are invented. */
  covered: boolean;
  /** What to import when not covered, in plain words. */
  missing: string | null;
  /** Parts of the period no imported statement takes in, when some statement does: what to import. */
  partly: string | null;
  openingBalanceCents: Cents | null;
  closingBalanceCents: Cents | null;
  movements: FloatMovement[];
  paidInCents: Cents;
  withdrawnCents: Cents;
  check: FloatCheck | null;
  /** Ledger entries of the period (completed, not corrected), shown whether or not a statement covers it. */
  ledgerEntries: number;
  /** Movements with no ledger row (portal payments, top-ups, money received). */
  withoutLedgerRow: number;
}

interface MovementRecord {
  id: number;
  receipt: string;
  completed_at: string;
  details: string;
  status: string;
  other_party: string | null;
  paid_in_cents: number;
  withdrawn_cents: number;
  balance_cents: number | null;
  ledger_id: number | null;
  run_id: number | null;
  run_title: string | null;
}

const net = (r: MovementRecord): Cents => r.paid_in_cents - r.withdrawn_cents;

/**
 * The rows of one second as chains that the Balance column links (a row's balance before is the
 * row before's balance after), each chain in its own order.
 */
function chainsOf(group: readonly MovementRecord[]): MovementRecord[][] {
  // Rows by their balance before, so linking is one pass even when a whole payroll shares a minute.
  const startingAt = new Map<number, MovementRecord[]>();
  for (const row of group) {
    if (row.balance_cents === null) continue;
    const before = row.balance_cents - net(row);
    const rows = startingAt.get(before);
    if (rows === undefined) startingAt.set(before, [row]);
    else rows.push(row);
  }
  const next = new Map<MovementRecord, MovementRecord>();
  const linked = new Set<MovementRecord>();
  for (const row of group) {
    if (row.balance_cents === null) continue;
    const candidates = startingAt.get(row.balance_cents) ?? [];
    const at = candidates.findIndex((s) => s !== row);
    if (at === -1) continue;
    const [successor] = candidates.splice(at, 1) as [MovementRecord];
    next.set(row, successor);
    linked.add(successor);
  }
  const seen = new Set<MovementRecord>();
  const chains: MovementRecord[][] = [];
  const follow = (head: MovementRecord): void => {
    const chain: MovementRecord[] = [];
    for (let r: MovementRecord | undefined = head; r !== undefined && !seen.has(r); r = next.get(r)) {
      seen.add(r);
      chain.push(r);
    }
    chains.push(chain);
  };
  for (const row of group) if (!linked.has(row)) follow(row);
  for (const row of group) if (!seen.has(row)) follow(row); // a loop of rows that moved nothing
  return chains;
}

/**
 * Rows of the same second have no order of their own (portal files list newest first, SFTP oldest
 * first, and a payment and its charge share a second): within a second, the order in which the
 * Balance column adds up. Where it breaks (a row missing), the pieces go in the file's direction,
 * read from the links themselves; the piece that goes on from the balance before comes first.
 */
function inBalanceOrder(rows: readonly MovementRecord[], before: number | null): MovementRecord[] {
  const ordered: MovementRecord[] = [];
  let current = before;
  for (let i = 0; i < rows.length;) {
    let j = i;
    while (j < rows.length && (rows[j] as MovementRecord).completed_at === (rows[i] as MovementRecord).completed_at)
      j += 1;
    const chains = chainsOf(rows.slice(i, j));
    let forwards = 0;
    for (const chain of chains)
      for (let k = 1; k < chain.length; k += 1)
        forwards += (chain[k] as MovementRecord).id > (chain[k - 1] as MovementRecord).id ? 1 : -1;
    const place = (chain: MovementRecord[]): number => {
      const head = chain[0] as MovementRecord;
      if (current !== null && head.balance_cents !== null && head.balance_cents - net(head) === current)
        return -Infinity;
      return forwards >= 0
        ? chain.reduce((least, r) => Math.min(least, r.id), Infinity)
        : -chain.reduce((most, r) => Math.max(most, r.id), -Infinity);
    };
    chains.sort((a, b) => place(a) - place(b));
    for (const chain of chains) for (const row of chain) ordered.push(row);
    const last = ordered.at(-1) as MovementRecord;
    current = last.balance_cents;
    i = j;
  }
  return ordered;
}

const completed = "lower(s.status) = 'completed'";

function movementRecords(db: ProfileDatabase, account: string, from: string, to: string): MovementRecord[] {
  // The run of a payroll payment: the same join as the ledger's runLinks (attempt → item → run).
  return db
    .prepare(
      `SELECT s.id, s.receipt, s.completed_at, s.details, s.status, s.other_party, s.paid_in_cents, s.withdrawn_cents, s.balance_cents,
              m.transaction_id AS ledger_id, r.id AS run_id, r.title AS run_title
         FROM statement_rows s
         LEFT JOIN statement_matches m ON m.statement_row_id = s.id
         LEFT JOIN transactions t ON t.id = m.transaction_id
         LEFT JOIN payout_attempts a ON a.id = t.attempt_id
         LEFT JOIN payroll_items i ON i.id = a.item_id
         LEFT JOIN payroll_runs r ON r.id = i.run_id
        WHERE s.account = ? AND s.completed_at >= ? AND s.completed_at < ? AND ${completed}
        ORDER BY s.completed_at, s.id`,
    )
    .all(account, from, to) as MovementRecord[];
}

/** The last row before the period (its balance is the opening balance), in balance order within its second. */
function rowBefore(db: ProfileDatabase, account: string, from: string): MovementRecord | null {
  const second = db
    .prepare(
      `SELECT max(s.completed_at) FROM statement_rows s WHERE s.account = ? AND s.completed_at < ? AND ${completed} AND s.balance_cents IS NOT NULL`,
    )
    .pluck()
    .get(account, from) as string | null;
  if (second === null) return null;
  const rows = db
    .prepare(
      `SELECT s.id, s.receipt, s.completed_at, s.details, s.status, s.other_party, s.paid_in_cents, s.withdrawn_cents, s.balance_cents,
              NULL AS ledger_id, NULL AS run_id, NULL AS run_title
         FROM statement_rows s WHERE s.account = ? AND s.completed_at = ? AND ${completed} AND s.balance_cents IS NOT NULL ORDER BY s.id`,
    )
    .all(account, second) as MovementRecord[];
  return inBalanceOrder(rows, null).at(-1) ?? null;
}

/** The first row after the period: with no row before, its balance less its movement is the balance throughout. */
function rowAfter(db: ProfileDatabase, account: string, to: string): MovementRecord | null {
  const row = db
    .prepare(
      `SELECT s.id, s.receipt, s.completed_at, s.details, s.status, s.other_party, s.paid_in_cents, s.withdrawn_cents, s.balance_cents,
              NULL AS ledger_id, NULL AS run_id, NULL AS run_title
         FROM statement_rows s WHERE s.account = ? AND s.completed_at >= ? AND ${completed} AND s.balance_cents IS NOT NULL
        ORDER BY s.completed_at, s.id LIMIT 1`,
    )
    .get(account, to) as MovementRecord | undefined;
  return row ?? null;
}

/** An imported statement of the account whose own stated period takes in the whole period. */
function coveringImport(
  db: ProfileDatabase,
  account: string,
  from: string,
  to: string,
): { opening_balance_cents: number | null } | null {
  const row = db
    .prepare(
      `SELECT opening_balance_cents FROM statement_imports
        WHERE account = ? AND period_from IS NOT NULL AND period_to IS NOT NULL AND period_from <= ? AND period_to >= ?
        ORDER BY id DESC LIMIT 1`,
    )
    .get(account, from, new Date(Date.parse(to) - 1000).toISOString()) as
    { opening_balance_cents: number | null } | undefined;
  return row ?? null;
}

interface Span {
  from: number;
  to: number;
}

/**
 * The stretches of [from, to) that no imported statement of the account takes in: each import's
 * stated period, or, for a file that states none, the first to the last row it brought.
 */
function uncovered(db: ProfileDatabase, account: string, from: string, to: string): Span[] {
  const spans = (
    db
      .prepare(
        `SELECT coalesce(i.period_from, min(s.completed_at)) AS first, coalesce(i.period_to, max(s.completed_at)) AS last
           FROM statement_imports i LEFT JOIN statement_rows s ON s.import_id = i.id
          WHERE i.account = ? GROUP BY i.id`,
      )
      .all(account) as Array<{ first: string | null; last: string | null }>
  )
    .filter((r): r is { first: string; last: string } => r.first !== null && r.last !== null)
    // Stated periods end on their last second (23:59:59), and a row's second takes in that second.
    .map((r) => ({ from: Date.parse(r.first), to: Date.parse(r.last) + 1000 }))
    .sort((a, b) => a.from - b.from);
  const holes: Span[] = [];
  let cursor = Date.parse(from);
  const end = Date.parse(to);
  for (const span of spans) {
    if (cursor >= end) break;
    if (span.to <= cursor) continue;
    if (span.from > cursor) holes.push({ from: cursor, to: Math.min(span.from, end) });
    cursor = Math.max(cursor, span.to);
  }
  if (cursor < end) holes.push({ from: cursor, to: end });
  return holes.filter((h) => h.to - h.from >= 60_000);
}

function partlyWords(account: string, holes: readonly Span[]): string | null {
  if (holes.length === 0) return null;
  const stretches = holes
    .map((h) => `${formatDateTime(new Date(h.from))} to ${formatDateTime(new Date(h.to - 1000))}`)
    .join(', ');
  return `No imported statement of the ${account} takes in ${stretches}: movements then are not shown. Import the ${account} statement for ${holes.length === 1 ? 'that stretch' : 'those stretches'} to complete the period.`;
}

function ledgerEntries(db: ProfileDatabase, from: string, to: string): number {
  return db
    .prepare(
      `SELECT count(*) FROM transactions t
        WHERE t.status = 'completed' AND t.occurred_at >= ? AND t.occurred_at < ?
          AND NOT EXISTS (SELECT 1 FROM transactions x WHERE x.corrects_id = t.id)`,
    )
    .pluck()
    .get(from, to) as number;
}

/** A movement as the continuity check reads a statement row. */
function asStatementRow(r: MovementRecord): StatementRow {
  return {
    line: 0,
    receipt: r.receipt,
    entry: 'money',
    completedAt: r.completed_at,
    initiatedAt: null,
    details: r.details,
    status: r.status,
    paidInCents: r.paid_in_cents,
    withdrawnCents: r.withdrawn_cents,
    balanceCents: r.balance_cents,
    balanceConfirmed: null,
    reasonType: null,
    otherParty: r.other_party,
    phone: null,
    linkedReceipt: null,
    accountNumber: null,
  };
}

function checkWords(
  opening: Cents,
  paidIn: Cents,
  withdrawn: Cents,
  closing: Cents,
  breaks: readonly BalanceGap[],
): string {
  const sum = opening + paidIn - withdrawn;
  const adds =
    sum === closing
      ? `Opening ${formatKesWithCurrency(opening)} + paid in ${formatKesWithCurrency(paidIn)} − withdrawn ${formatKesWithCurrency(withdrawn)} = closing ${formatKesWithCurrency(closing)}.`
      : `Opening ${formatKesWithCurrency(opening)} + paid in ${formatKesWithCurrency(paidIn)} − withdrawn ${formatKesWithCurrency(withdrawn)} comes to ${formatKesWithCurrency(sum)}, but the closing balance M-Pesa printed is ${formatKesWithCurrency(closing)}: ${formatKesWithCurrency(closing - sum)} is unaccounted for.`;
  if (breaks.length === 0) return `${adds} The Balance column adds up row by row.`;
  const where = breaks
    .map((b) => `between ${b.after} and ${b.before} (${formatKesWithCurrency(b.missingCents)} unaccounted for)`)
    .join('; ');
  return `${adds} The Balance column breaks ${formatCount(breaks.length, 'time')}: ${where}. A row is missing from the imported statement, or one was edited: import the full statement for the period.`;
}

function notCovered(account: string, period: string, from: string, to: string, entries: number): FloatStatement {
  const last = new Date(Date.parse(to) - 1000).toISOString();
  const ledger =
    entries === 0
      ? 'The ledger has no entries in this period either.'
      : `The ledger has ${formatCount(entries, 'entry', 'entries')} in this period; without the statement their balances cannot be shown.`;
  return {
    account,
    period,
    from,
    to,
    covered: false,
    partly: null,
    missing: `No imported M-Pesa statement of the ${account} covers ${period} (${formatDateTime(from)} to ${formatDateTime(last)}). Export the ${account} statement for these dates from the M-Pesa organisation portal and import it. ${ledger}`,
    openingBalanceCents: null,
    closingBalanceCents: null,
    movements: [],
    paidInCents: 0,
    withdrawnCents: 0,
    check: null,
    ledgerEntries: entries,
    withoutLedgerRow: 0,
  };
}

export function floatStatement(
  db: ProfileDatabase,
  account: string,
  period: string,
  now: Date = new Date(),
): FloatStatement {
  const { from, to } = periodRange(period);
  // Time that has not come yet cannot be on a statement: a period still running is judged up to now.
  const judgedTo = new Date(Math.max(Date.parse(from), Math.min(Date.parse(to), now.getTime()))).toISOString();
  const entries = ledgerEntries(db, from, to);
  const before = rowBefore(db, account, from);
  const records = inBalanceOrder(movementRecords(db, account, from, to), before?.balance_cents ?? null);

  let opening: Cents | null;
  if (before !== null) opening = before.balance_cents;
  else {
    // No row before the period: the first printed balance less what moved up to and including it.
    const firstPrinted = records.findIndex((r) => r.balance_cents !== null);
    opening =
      firstPrinted === -1
        ? null
        : (records[firstPrinted]!.balance_cents as number) -
          records.slice(0, firstPrinted + 1).reduce((sum, r) => sum + net(r), 0);
  }
  if (records.length === 0) {
    const covering = coveringImport(db, account, from, to);
    if (covering === null) return notCovered(account, period, from, to, entries);
    if (opening === null) {
      const after = rowAfter(db, account, to);
      opening = after !== null ? (after.balance_cents as number) - net(after) : covering.opening_balance_cents;
    }
  }
  if (opening === null) return notCovered(account, period, from, to, entries);

  const paidIn = records.reduce((sum, r) => sum + r.paid_in_cents, 0);
  const withdrawn = records.reduce((sum, r) => sum + r.withdrawn_cents, 0);
  // The closing balance as M-Pesa printed it on the last row that carries one, plus anything after it.
  const lastPrinted = records.findLastIndex((r) => r.balance_cents !== null);
  const closing =
    lastPrinted === -1
      ? opening + paidIn - withdrawn
      : (records[lastPrinted]!.balance_cents as number) +
        records.slice(lastPrinted + 1).reduce((sum, r) => sum + net(r), 0);
  const chained = [...(before === null ? [] : [before]), ...records].map(asStatementRow);
  const breaks = checkContinuity(chained, {
    organisation: null,
    account,
    periodFrom: null,
    periodTo: null,
    openingBalanceCents: null,
    closingBalanceCents: null,
  });
  const movements: FloatMovement[] = records.map((r) => ({
    statementRowId: r.id,
    receipt: r.receipt,
    completedAt: r.completed_at,
    details: r.details,
    otherParty: r.other_party,
    paidInCents: r.paid_in_cents,
    withdrawnCents: r.withdrawn_cents,
    balanceCents: r.balance_cents,
    ledgerId: r.ledger_id,
    runId: r.run_id,
    runTitle: r.run_title,
  }));
  return {
    account,
    period,
    from,
    to,
    covered: true,
    missing: null,
    partly: partlyWords(account, uncovered(db, account, from, judgedTo)),
    openingBalanceCents: opening,
    closingBalanceCents: closing,
    movements,
    paidInCents: paidIn,
    withdrawnCents: withdrawn,
    check: {
      adds: opening + paidIn - withdrawn === closing,
      chains: breaks.length === 0,
      breaks,
      words: checkWords(opening, paidIn, withdrawn, closing, breaks),
    },
    ledgerEntries: entries,
    withoutLedgerRow: movements.filter((m) => m.ledgerId === null).length,
  };
}
