// A reconciliation of one account for one period, as Actual Budget and GnuCash do it: the
// statement's opening and closing balance, the ledger's figure for the same period, the cleared
// total of the rows a person ticked and the difference still to explain. Finishing needs a
// difference of zero and locks the ticked rows: a locked row refuses any change.
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import type { Cents } from '../../shared/money';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { summariseBuckets, type Bucket, type BucketSummary, type Difference, type Proposal } from './match';
import { periodRange } from './period';
import { formatCount, formatDateTime } from '../../shared/format';
import { formatKesWithCurrency } from '../../shared/money';

/** A statement row as M-Pesa printed it, as the reconcile view and the float statement show it. */
export interface StatementRowFigures {
  statementRowId: number;
  receipt: string;
  completedAt: string;
  details: string;
  otherParty: string | null;
  paidInCents: Cents;
  withdrawnCents: Cents;
  /** The running balance as M-Pesa printed it (some layouts leave it empty). */
  balanceCents: Cents | null;
}

export interface ReconcileRow extends StatementRowFigures {
  linkedReceipt: string | null;
  bucket: Bucket;
  differences: Difference[];
  serious: string | null;
  proposals: Proposal[];
  settlement: string | null;
  note: string | null;
  ticked: boolean;
  locked: boolean;
  ledger: {
    id: number;
    receipt: string | null;
    amountCents: Cents;
    direction: string;
    status: string;
    phone: string | null;
    partyName: string | null;
    occurredAt: string;
  } | null;
  confirmedChargeCents: Cents | null;
}

export interface LedgerOnlyRow {
  id: number;
  receipt: string | null;
  occurredAt: string;
  direction: string;
  kind: string;
  amountCents: Cents;
  phone: string | null;
  partyName: string | null;
}

export interface Reconciliation {
  id: number | null;
  account: string;
  period: string;
  from: string;
  to: string;
  state: 'open' | 'finished' | 'not_started';
  openingBalanceCents: Cents;
  closingBalanceCents: Cents;
  statementNetCents: Cents;
  ledgerNetCents: Cents;
  clearedCents: Cents;
  differenceCents: Cents;
  finishedAt: string | null;
  finishedBy: string | null;
  buckets: BucketSummary;
  rows: ReconcileRow[];
  onlyInLedger: LedgerOnlyRow[];
}

interface RowRecord {
  id: number;
  receipt: string;
  entry: string;
  completed_at: string;
  details: string;
  status: string;
  other_party: string | null;
  paid_in_cents: number;
  withdrawn_cents: number;
  balance_cents: number | null;
  linked_receipt: string | null;
  bucket: Bucket;
  differences: string | null;
  serious: string | null;
  proposals: string | null;
  settlement: string | null;
  note: string | null;
  ticked: number;
  reconciliation_id: number | null;
  t_id: number | null;
  t_receipt: string | null;
  t_amount: number | null;
  t_direction: string | null;
  t_status: string | null;
  t_phone: string | null;
  t_name: string | null;
  t_at: string | null;
  confirmed_charge: number | null;
}

function statementRows(db: ProfileDatabase, account: string, from: string, to: string): RowRecord[] {
  return db
    .prepare(
      `SELECT s.id, s.receipt, s.entry, s.completed_at, s.details, s.status, s.other_party, s.paid_in_cents, s.withdrawn_cents, s.balance_cents, s.linked_receipt,
              m.bucket, m.differences, m.serious, m.proposals, m.settlement, m.note, m.ticked, m.reconciliation_id,
              t.id AS t_id, t.receipt AS t_receipt, t.amount_cents AS t_amount, t.direction AS t_direction, t.status AS t_status, t.phone AS t_phone,
              t.party_name AS t_name, t.occurred_at AS t_at, c.charge_cents AS confirmed_charge
         FROM statement_rows s
         JOIN statement_matches m ON m.statement_row_id = s.id
         LEFT JOIN transactions t ON t.id = m.transaction_id
         LEFT JOIN confirmed_charges c ON c.statement_row_id = s.id
        WHERE s.account = ? AND s.completed_at >= ? AND s.completed_at < ?
        ORDER BY s.completed_at, s.id`,
    )
    .all(account, from, to) as RowRecord[];
}

const net = (r: { paid_in_cents: number; withdrawn_cents: number }): Cents => r.paid_in_cents - r.withdrawn_cents;

/**
 * Opening and closing balance of the period from the statement's Balance column: the chain's start
 * is the one "balance before" that no row ends on, its end the one balance no row starts from
 * (rows of the same second have no order of their own). Falls back to time order.
 */
function balances(rows: RowRecord[]): { opening: Cents; closing: Cents } {
  const moved = rows.filter((r) => r.balance_cents !== null && r.status.toLowerCase() === 'completed');
  if (moved.length === 0) return { opening: 0, closing: 0 };
  const afters = new Map<number, number>();
  const befores = new Map<number, number>();
  for (const r of moved) {
    afters.set(r.balance_cents as number, (afters.get(r.balance_cents as number) ?? 0) + 1);
    const before = (r.balance_cents as number) - net(r);
    befores.set(before, (befores.get(before) ?? 0) + 1);
  }
  const starts = [...befores].filter(([b, n]) => n > (afters.get(b) ?? 0)).map(([b]) => b);
  const ends = [...afters].filter(([b, n]) => n > (befores.get(b) ?? 0)).map(([b]) => b);
  if (starts.length === 1 && ends.length === 1) return { opening: starts[0] as number, closing: ends[0] as number };
  const first = moved[0] as RowRecord;
  const last = moved[moved.length - 1] as RowRecord;
  return { opening: (first.balance_cents as number) - net(first), closing: last.balance_cents as number };
}

function ledgerNet(db: ProfileDatabase, account: string, from: string, to: string): Cents {
  if (/charges/i.test(account)) {
    const row = db
      .prepare(
        `SELECT coalesce(sum(coalesce(c.charge_cents, t.charge_cents, 0)), 0) AS charges FROM transactions t LEFT JOIN confirmed_charges c ON c.transaction_id = t.id
          WHERE t.kind = 'b2c_payment' AND t.status = 'completed' AND t.occurred_at >= ? AND t.occurred_at < ?
            AND NOT EXISTS (SELECT 1 FROM transactions x WHERE x.corrects_id = t.id)`,
      )
      .get(from, to) as { charges: number };
    return -row.charges;
  }
  const row = db
    .prepare(
      `SELECT coalesce(sum(CASE direction WHEN 'in' THEN amount_cents ELSE -amount_cents END), 0) AS net FROM transactions t
        WHERE status = 'completed' AND occurred_at >= ? AND occurred_at < ? AND NOT EXISTS (SELECT 1 FROM transactions x WHERE x.corrects_id = t.id)`,
    )
    .get(from, to) as { net: number };
  return row.net;
}

/** Ledger rows of the period that are not on the account's statement at all. */
function onlyInLedger(db: ProfileDatabase, account: string, from: string, to: string): LedgerOnlyRow[] {
  if (/charges/i.test(account)) return [];
  return db
    .prepare(
      `SELECT t.id, t.receipt, t.occurred_at AS occurredAt, t.direction, t.kind, t.amount_cents AS amountCents, t.phone, t.party_name AS partyName
         FROM transactions t
        WHERE t.status = 'completed' AND t.occurred_at >= ? AND t.occurred_at < ?
          AND NOT EXISTS (SELECT 1 FROM transactions x WHERE x.corrects_id = t.id)
          AND (t.receipt IS NULL OR NOT EXISTS (SELECT 1 FROM statement_rows s WHERE s.account = ? AND s.receipt = t.receipt))
        ORDER BY t.occurred_at, t.id`,
    )
    .all(from, to, account) as LedgerOnlyRow[];
}

interface ReconciliationRecord {
  id: number;
  state: 'open' | 'finished';
  finished_at: string | null;
  finished_by: string | null;
}

function latest(db: ProfileDatabase, account: string, period: string): ReconciliationRecord | undefined {
  return db
    .prepare(
      'SELECT id, state, finished_at, finished_by FROM reconciliations WHERE account = ? AND period = ? ORDER BY id DESC LIMIT 1',
    )
    .get(account, period) as ReconciliationRecord | undefined;
}

export function showReconciliation(db: ProfileDatabase, account: string, period: string): Reconciliation {
  const range = periodRange(period);
  const records = statementRows(db, account, range.from, range.to);
  const { opening, closing } = balances(records);
  const rows: ReconcileRow[] = records.map((r) => ({
    statementRowId: r.id,
    receipt: r.receipt,
    completedAt: r.completed_at,
    details: r.details,
    otherParty: r.other_party,
    paidInCents: r.paid_in_cents,
    withdrawnCents: r.withdrawn_cents,
    balanceCents: r.balance_cents,
    linkedReceipt: r.linked_receipt,
    bucket: r.bucket,
    differences: r.differences === null ? [] : (JSON.parse(r.differences) as Difference[]),
    serious: r.serious,
    proposals: r.proposals === null ? [] : (JSON.parse(r.proposals) as Proposal[]),
    settlement: r.settlement,
    note: r.note,
    ticked: r.ticked === 1,
    locked: r.reconciliation_id !== null,
    ledger:
      r.t_id === null
        ? null
        : {
            id: r.t_id,
            receipt: r.t_receipt,
            amountCents: r.t_amount as number,
            direction: r.t_direction as string,
            status: r.t_status as string,
            phone: r.t_phone,
            partyName: r.t_name,
            occurredAt: r.t_at as string,
          },
    confirmedChargeCents: r.confirmed_charge,
  }));
  const cleared = records
    .filter((r) => r.ticked === 1 && r.status.toLowerCase() === 'completed')
    .reduce((sum, r) => sum + net(r), 0);
  const record = latest(db, account, period);
  return {
    id: record?.id ?? null,
    account,
    period,
    from: range.from,
    to: range.to,
    state: record?.state ?? 'not_started',
    openingBalanceCents: opening,
    closingBalanceCents: closing,
    statementNetCents: closing - opening,
    ledgerNetCents: ledgerNet(db, account, range.from, range.to),
    clearedCents: cleared,
    differenceCents: closing - (opening + cleared),
    finishedAt: record?.finished_at ?? null,
    finishedBy: record?.finished_by ?? null,
    buckets: summariseBuckets(db, { account, from: range.from, to: range.to }),
    rows,
    onlyInLedger: onlyInLedger(db, account, range.from, range.to),
  };
}

/** Ticks or unticks statement rows; a row a finished reconciliation locked refuses. */
export function tickRows(
  db: ProfileDatabase,
  input: { rowIds: number[]; ticked: boolean; actor: string; now: string },
): void {
  db.transaction(() => {
    const read = db.prepare(
      'SELECT s.receipt, m.reconciliation_id FROM statement_matches m JOIN statement_rows s ON s.id = m.statement_row_id WHERE m.statement_row_id = ?',
    );
    const update = db.prepare('UPDATE statement_matches SET ticked = ?, updated_at = ? WHERE statement_row_id = ?');
    for (const id of input.rowIds) {
      const row = read.get(id) as { receipt: string; reconciliation_id: number | null } | undefined;
      if (row === undefined) throw new NotFoundError(`There is no statement row #${id}`);
      if (row.reconciliation_id !== null)
        throw new ConflictError(
          `Statement row ${row.receipt} is reconciled and locked (reconciliation #${row.reconciliation_id}); record a correction instead`,
        );
      update.run(input.ticked ? 1 : 0, input.now, id);
    }
    appendAudit(db, {
      actor: input.actor,
      action: input.ticked ? 'statement_rows.ticked' : 'statement_rows.unticked',
      entity: 'statement_row',
      entityId: null,
      details: { rowIds: input.rowIds },
    });
  }).immediate();
}

/** Ticks every row of the period that matched, is a charge or a reversal: the rows nobody needs to look at. */
export function tickMatched(
  db: ProfileDatabase,
  input: { account: string; period: string; actor: string; now: string },
): number {
  const view = showReconciliation(db, input.account, input.period);
  const ids = view.rows
    .filter(
      (r) => !r.ticked && !r.locked && (r.bucket === 'matched' || r.bucket === 'charge' || r.bucket === 'reversal'),
    )
    .map((r) => r.statementRowId);
  if (ids.length > 0) tickRows(db, { rowIds: ids, ticked: true, actor: input.actor, now: input.now });
  return ids.length;
}

/** Finishes the period: only at a difference of zero; locks the ticked rows for good. */
export function finishReconciliation(
  db: ProfileDatabase,
  input: { account: string; period: string; actor: string; now: string },
): Reconciliation {
  if (input.actor.trim() === '') throw new ValidationError('A reconciliation is finished by someone: give a name');
  db.transaction(() => {
    const view = showReconciliation(db, input.account, input.period);
    if (view.rows.length === 0)
      throw new ConflictError(`No statement rows of ${input.account} in ${input.period}: import the statement first`);
    if (view.state === 'finished')
      throw new ConflictError(
        `${input.account} ${input.period} was reconciled by ${view.finishedBy ?? '?'} on ${view.finishedAt === null ? '?' : formatDateTime(view.finishedAt)}`,
      );
    if (view.differenceCents !== 0) {
      const open = view.rows.filter((r) => !r.ticked).length;
      throw new ConflictError(
        `The difference is ${formatKesWithCurrency(view.differenceCents)}, not zero: ${formatCount(open, 'row')} ${open === 1 ? 'is' : 'are'} not ticked, or a row is missing from the statement`,
      );
    }
    const id =
      view.id !== null && view.state === 'open'
        ? view.id
        : Number(
            db
              .prepare(
                'INSERT INTO reconciliations (account, period, period_from, period_to, opening_balance_cents, closing_balance_cents, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
              )
              .run(
                input.account,
                input.period,
                view.from,
                view.to,
                view.openingBalanceCents,
                view.closingBalanceCents,
                input.now,
              ).lastInsertRowid,
          );
    const lock = db.prepare(
      'UPDATE statement_matches SET reconciliation_id = ?, updated_at = ? WHERE statement_row_id = ? AND ticked = 1 AND reconciliation_id IS NULL',
    );
    let locked = 0;
    for (const row of view.rows)
      if (row.ticked && !row.locked) locked += lock.run(id, input.now, row.statementRowId).changes;
    db.prepare(
      "UPDATE reconciliations SET state = 'finished', finished_at = ?, finished_by = ?, ledger_net_cents = ?, opening_balance_cents = ?, closing_balance_cents = ? WHERE id = ?",
    ).run(input.now, input.actor, view.ledgerNetCents, view.openingBalanceCents, view.closingBalanceCents, id);
    appendAudit(db, {
      actor: input.actor,
      action: 'reconciliation.finished',
      entity: 'reconciliation',
      entityId: id,
      details: {
        account: input.account,
        period: input.period,
        locked,
        closingBalanceCents: view.closingBalanceCents,
        ledgerNetCents: view.ledgerNetCents,
      },
    });
  }).immediate();
  return showReconciliation(db, input.account, input.period);
}

export interface ReconciliationHistoryEntry {
  id: number;
  account: string;
  period: string;
  state: 'open' | 'finished';
  openingBalanceCents: Cents;
  closingBalanceCents: Cents;
  ledgerNetCents: Cents | null;
  lockedRows: number;
  finishedAt: string | null;
  finishedBy: string | null;
}

export function reconciliationHistory(db: ProfileDatabase): ReconciliationHistoryEntry[] {
  return db
    .prepare(
      `SELECT r.id, r.account, r.period, r.state, r.opening_balance_cents AS openingBalanceCents, r.closing_balance_cents AS closingBalanceCents,
              r.ledger_net_cents AS ledgerNetCents, (SELECT count(*) FROM statement_matches m WHERE m.reconciliation_id = r.id) AS lockedRows,
              r.finished_at AS finishedAt, r.finished_by AS finishedBy
         FROM reconciliations r ORDER BY r.id DESC`,
    )
    .all() as ReconciliationHistoryEntry[];
}
