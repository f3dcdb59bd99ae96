// Ledger rows as the screens show them: each transaction with the run that paid it, its failure
// code, whether it was corrected; and one transaction in detail with its callback and corrections.
import type { LedgerRow, MethodOutput } from '../../shared/contract';
import { NotFoundError } from '../../shared/errors';
import { inboxEntryView, inboxRow } from '../callback-sources/inbox/entries';
import type { ProfileDatabase } from '../db';
import { reversalsOfOriginals } from '../reversals/store';
import { bestKnownCharge, getTransaction, type LedgerTransaction } from './transactions';

interface RunLink {
  attempt_id: number;
  item_id: number;
  run_id: number;
  title: string;
  period: string | null;
  remarks: string | null;
}

/** Which run paid each row: one query for the whole page, never one per row. */
function runLinks(db: ProfileDatabase, attemptIds: number[]): Map<number, RunLink> {
  if (attemptIds.length === 0) return new Map();
  const rows = db
    .prepare(
      `SELECT a.id AS attempt_id, i.id AS item_id, r.id AS run_id, r.title, r.period, i.remarks
         FROM payout_attempts a JOIN payroll_items i ON i.id = a.item_id JOIN payroll_runs r ON r.id = i.run_id
        WHERE a.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(attemptIds)) as RunLink[];
  return new Map(rows.map((row) => [row.attempt_id, row]));
}

function correctedIds(db: ProfileDatabase, ids: number[]): Set<number> {
  if (ids.length === 0) return new Set();
  const rows = db
    .prepare(
      'SELECT DISTINCT corrects_id AS id FROM transactions WHERE corrects_id IN (SELECT value FROM json_each(?))',
    )
    .all(JSON.stringify(ids)) as Array<{ id: number }>;
  return new Set(rows.map((row) => row.id));
}

function resultCodeOf(db: ProfileDatabase, attemptId: number | null): string | null {
  if (attemptId === null) return null;
  const row = db.prepare('SELECT result_code FROM payout_attempts WHERE id = ?').get(attemptId) as
    { result_code: string | null } | undefined;
  return row?.result_code ?? null;
}

export function ledgerRows(db: ProfileDatabase, transactions: LedgerTransaction[]): LedgerRow[] {
  const links = runLinks(
    db,
    transactions.flatMap((t) => (t.attemptId === null ? [] : [t.attemptId])),
  );
  const corrected = correctedIds(
    db,
    transactions.map((t) => t.id),
  );
  const reversed = reversalsOfOriginals(
    db,
    transactions.map((t) => t.id),
  );
  return transactions.map((t) => {
    const link = t.attemptId === null ? undefined : links.get(t.attemptId);
    const charge = bestKnownCharge(t);
    return {
      id: t.id,
      receipt: t.receipt,
      occurredAt: t.occurredAt,
      direction: t.direction,
      kind: t.kind,
      status: t.status,
      amountCents: t.amountCents,
      chargeCents: charge.cents,
      chargeBasis: charge.basis,
      phone: t.phone,
      partyName: t.partyName,
      accountReference: t.accountReference,
      runId: link?.run_id ?? null,
      runTitle: link?.title ?? null,
      runPeriod: link?.period ?? null,
      reference: link?.remarks ?? null,
      resultCode: t.status === 'failed' ? resultCodeOf(db, t.attemptId) : null,
      corrected: corrected.has(t.id),
      reversedBy: reversed.get(t.id) ?? null,
    };
  });
}

/** One transaction as the detail screen shows it: the row, the raw callback, any corrections. */
export function ledgerDetail(db: ProfileDatabase, id: number): MethodOutput<'ledger.detail'> {
  const transaction = getTransaction(db, id);
  const [row] = ledgerRows(db, [transaction]);
  if (row === undefined) throw new NotFoundError(`There is no transaction #${id}`);
  const link =
    transaction.attemptId === null ? undefined : runLinks(db, [transaction.attemptId]).get(transaction.attemptId);
  const attempt =
    transaction.attemptId === null
      ? undefined
      : (db.prepare('SELECT result_desc FROM payout_attempts WHERE id = ?').get(transaction.attemptId) as
          { result_desc: string | null } | undefined);
  const callback = transaction.inboxId === null ? undefined : inboxRow(db, transaction.inboxId);
  const corrections = (
    db.prepare('SELECT id FROM transactions WHERE corrects_id = ? ORDER BY id').all(id) as Array<{ id: number }>
  ).map((r) => getTransaction(db, r.id));
  return {
    transaction: {
      ...row,
      partyDisplay: transaction.partyDisplay,
      resultDesc: attempt?.result_desc ?? null,
      utilityBalanceCents: transaction.utilityBalanceCents,
      recordedAt: transaction.recordedAt,
      correctsId: transaction.correctsId,
      correctionReason: transaction.correctionReason,
      attemptId: transaction.attemptId,
      itemId: link?.item_id ?? null,
    },
    callback: callback === undefined ? null : inboxEntryView(callback),
    corrections: ledgerRows(db, corrections),
  };
}
