// Contract handlers for the ledger: a filtered, sorted page with the totals of the whole filtered
// set, one transaction with the raw callback it was read from, and the export of the filtered set.
import type { LedgerFilter as ContractFilter, LedgerRow, MethodInput, MethodOutput } from '../../shared/contract';
import { NotFoundError } from '../../shared/errors';
import { nairobiDayStart } from '../../shared/time';
import type { ProfileDatabase } from '../db';
import type { ContractHandlers } from '../transports/dispatch';
import { exportLedger } from '../ledger/export';
import { ledgerTotals, listTransactions, type LedgerFilter, type LedgerSort } from '../ledger/query';
import { getTransaction, type LedgerTransaction } from '../ledger/transactions';
import type { ApiContext } from './context';
import { exportFileName, produceFile } from './files';
import { inboxEntryView, type InboxRow } from './inbox';

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

export function ledgerFilterOf(filter: ContractFilter): LedgerFilter {
  return {
    ...(filter.from === undefined ? {} : { from: nairobiDayStart(filter.from) }),
    // The screen's "to" day is inclusive; the query's end is exclusive.
    ...(filter.to === undefined ? {} : { to: nairobiDayStart(nextDay(filter.to)) }),
    ...(filter.kinds === undefined ? {} : { kinds: filter.kinds }),
    ...(filter.statuses === undefined ? {} : { statuses: filter.statuses }),
    ...(filter.direction === undefined ? {} : { direction: filter.direction }),
    ...(filter.minCents === undefined ? {} : { minAmountCents: filter.minCents }),
    ...(filter.maxCents === undefined ? {} : { maxAmountCents: filter.maxCents }),
    ...(filter.search === undefined || filter.search === '' ? {} : { search: filter.search }),
  };
}

function ledgerSortOf(sort: MethodInput<'ledger.list'>['sort']): LedgerSort {
  return { by: sort?.by === 'amount' ? 'amount' : 'time', order: sort?.direction === 'asc' ? 'asc' : 'desc' };
}

interface RunLink {
  attempt_id: number;
  item_id: number;
  run_id: number;
  title: string;
}

/** Which run paid each row: one query for the whole page, never one per row. */
function runLinks(db: ProfileDatabase, attemptIds: number[]): Map<number, RunLink> {
  if (attemptIds.length === 0) return new Map();
  const rows = db
    .prepare(
      `SELECT a.id AS attempt_id, i.id AS item_id, r.id AS run_id, r.title
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
  return transactions.map((t) => {
    const link = t.attemptId === null ? undefined : links.get(t.attemptId);
    return {
      id: t.id,
      receipt: t.receipt,
      occurredAt: t.occurredAt,
      direction: t.direction,
      kind: t.kind,
      status: t.status,
      amountCents: t.amountCents,
      chargeCents: t.chargeCents,
      phone: t.phone,
      partyName: t.partyName,
      accountReference: t.accountReference,
      runId: link?.run_id ?? null,
      runTitle: link?.title ?? null,
      resultCode: t.status === 'failed' ? resultCodeOf(db, t.attemptId) : null,
      corrected: corrected.has(t.id),
    };
  });
}

type LedgerMethods = 'ledger.list' | 'ledger.detail' | 'ledger.export';

export function ledgerHandlers(ctx: ApiContext): Pick<ContractHandlers, LedgerMethods> {
  const core = () => ctx.session.require();
  return {
    'ledger.list': ({ filter, sort, limit, offset, after }): MethodOutput<'ledger.list'> => {
      const { db } = core();
      const query = ledgerFilterOf(filter);
      const listing = listTransactions(
        db,
        query,
        ledgerSortOf(sort),
        after === undefined ? { limit, offset } : { limit, after },
      );
      return {
        rows: ledgerRows(db, listing.rows),
        total: listing.totals.count,
        totals: {
          inCents: listing.totals.amountInCents,
          outCents: listing.totals.amountOutCents,
          chargesCents: listing.totals.chargesCents,
        },
        next: listing.next,
      };
    },
    'ledger.detail': ({ id }) => {
      const { db } = core();
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
      const callback =
        transaction.inboxId === null
          ? undefined
          : (db.prepare('SELECT * FROM inbox WHERE id = ?').get(transaction.inboxId) as InboxRow | undefined);
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
    },
    'ledger.export': ({ filter, sort, format }) => {
      const { db, profile } = core();
      const query = ledgerFilterOf(filter);
      const count = ledgerTotals(db, query).count;
      return produceFile(ctx, profile.name, exportFileName('mshahara-ledger', format), format, async (path) => {
        await exportLedger(db, path, { format, filter: query, sort: ledgerSortOf(sort) });
        return count;
      });
    },
  };
}
