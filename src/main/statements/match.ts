// Sorts every statement row of an account into exactly one bucket: matched, matched with a
// difference, charge (recorded on its payment as the confirmed charge), reversal (linked to its
// original), or only in the statement. Matching is by receipt; a payroll pays many people the same
// amount on the same day, so rows without a ledger receipt only get proposals (payout attempts of
// that party, amount and time) that a person confirms. Nothing is applied on a guess.
import type { Cents } from '../../shared/money';
import type { ProfileDatabase } from '../db';
import { checkParty } from '../payroll/engine/party';

export const buckets = ['matched', 'difference', 'charge', 'reversal', 'statement_only'] as const;
export type Bucket = (typeof buckets)[number];

export interface Difference {
  field: 'amount' | 'direction' | 'party' | 'time' | 'status';
  statement: string;
  ledger: string;
}

export interface Proposal {
  attemptId: number;
  itemId: number;
  runId: number;
  name: string;
  phone: string;
  amountCents: Cents;
  state: string;
  needsAttention: boolean;
}

/** The worst findings: money M-Pesa moved that Mshahara recorded otherwise. */
export type SeriousFinding = 'paid_but_recorded_failed';

/** How far the statement's completion time may be from the ledger's before it is a difference. */
const timeToleranceMs = 15 * 60_000;
/** How far from an attempt's send a statement payment is proposed as that attempt. */
const proposalWindowMs = 24 * 3600_000;

interface JoinedRow {
  id: number;
  receipt: string;
  entry: 'money' | 'charge' | 'reversal';
  completed_at: string;
  status: string;
  paid_in_cents: number;
  withdrawn_cents: number;
  other_party: string | null;
  phone: string | null;
  linked_receipt: string | null;
  t_id: number | null;
  t_direction: 'in' | 'out' | null;
  t_status: 'completed' | 'failed' | null;
  t_amount: number | null;
  t_phone: string | null;
  t_occurred_at: string | null;
  linked_row_id: number | null;
}

interface OpenAttempt {
  id: number;
  item_id: number;
  run_id: number;
  name: string;
  phone: string;
  amount_cents: number;
  state: string;
  needs_attention: number;
  at: string;
}

// The current ledger row of a receipt: not corrected by a later one.
const currentByReceipt = (alias: string, receipt: string): string =>
  `${alias}.receipt = ${receipt} AND NOT EXISTS (SELECT 1 FROM transactions c WHERE c.corrects_id = ${alias}.id)`;

/**
 * Re-sorts the unlocked rows of an account (all of them, or one import's). Set-based: one join of
 * the statement with the ledger by receipt, one pass in JS, one transaction of upserts.
 */
export function matchAccount(db: ProfileDatabase, account: string, now: string): void {
  const rows = db
    .prepare(
      `SELECT s.id, s.receipt, s.entry, s.completed_at, s.status, s.paid_in_cents, s.withdrawn_cents, s.other_party, s.phone, s.linked_receipt,
              t.id AS t_id, t.direction AS t_direction, t.status AS t_status, t.amount_cents AS t_amount, t.phone AS t_phone, t.occurred_at AS t_occurred_at,
              o.id AS linked_row_id
         FROM statement_rows s
         LEFT JOIN statement_matches m ON m.statement_row_id = s.id
         LEFT JOIN transactions t ON ${currentByReceipt('t', "CASE WHEN s.entry = 'charge' THEN coalesce(s.linked_receipt, s.receipt) ELSE s.receipt END")}
         LEFT JOIN statement_rows o ON s.entry = 'reversal' AND o.account = s.account AND o.receipt = s.linked_receipt AND o.entry = 'money'
        WHERE s.account = ? AND m.reconciliation_id IS NULL`,
    )
    .all(account) as JoinedRow[];
  const attempts = openAttemptsByAmount(db);
  const upsert = db.prepare(
    `INSERT INTO statement_matches (statement_row_id, bucket, transaction_id, linked_row_id, differences, serious, proposals, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (statement_row_id) DO UPDATE SET
       ticked = CASE WHEN statement_matches.bucket = excluded.bucket THEN statement_matches.ticked ELSE 0 END,
       bucket = excluded.bucket, transaction_id = excluded.transaction_id, linked_row_id = excluded.linked_row_id,
       differences = excluded.differences, serious = excluded.serious, proposals = excluded.proposals, updated_at = excluded.updated_at
     WHERE statement_matches.reconciliation_id IS NULL`,
  );
  const confirmCharge = db.prepare(
    `INSERT INTO confirmed_charges (transaction_id, statement_row_id, charge_cents, confirmed_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (transaction_id) DO NOTHING`,
  );
  db.transaction(() => {
    for (const row of rows) {
      const sorted = sort(row, attempts);
      upsert.run(
        row.id,
        sorted.bucket,
        row.t_id,
        row.linked_row_id,
        sorted.differences.length === 0 ? null : JSON.stringify(sorted.differences),
        sorted.serious,
        sorted.proposals.length === 0 ? null : JSON.stringify(sorted.proposals),
        now,
      );
      if (sorted.bucket === 'charge' && row.t_id !== null)
        confirmCharge.run(row.t_id, row.id, row.withdrawn_cents - row.paid_in_cents, now);
    }
  })();
}

function sort(
  row: JoinedRow,
  attempts: Map<number, OpenAttempt[]>,
): { bucket: Bucket; differences: Difference[]; serious: SeriousFinding | null; proposals: Proposal[] } {
  const none = { differences: [], serious: null, proposals: [] };
  if (row.entry === 'charge') return { bucket: 'charge', ...none };
  if (row.entry === 'reversal') return { bucket: 'reversal', ...none };
  const completed = row.status.toLowerCase() === 'completed';
  const direction = row.paid_in_cents > 0 ? 'in' : 'out';
  const amount = direction === 'in' ? row.paid_in_cents : row.withdrawn_cents;
  if (row.t_id === null) {
    const proposals = direction === 'out' && completed ? proposalsFor(row, amount, attempts) : [];
    // A payment M-Pesa made for an attempt Mshahara recorded as failed: money out that the
    // ledger says never left.
    const serious = proposals.some((p) => p.state === 'failed' || p.state === 'rejected')
      ? 'paid_but_recorded_failed'
      : null;
    return { bucket: 'statement_only', differences: [], serious, proposals };
  }
  const differences: Difference[] = [];
  let serious: SeriousFinding | null = null;
  if (row.t_direction !== direction)
    differences.push({ field: 'direction', statement: direction, ledger: String(row.t_direction) });
  if (row.t_amount !== amount)
    differences.push({ field: 'amount', statement: String(amount), ledger: String(row.t_amount) });
  if (completed !== (row.t_status === 'completed')) {
    differences.push({ field: 'status', statement: row.status, ledger: String(row.t_status) });
    if (completed) serious = 'paid_but_recorded_failed';
  }
  if (row.t_phone !== null && checkParty(row.t_phone, row.phone, row.other_party) === 'mismatch') {
    differences.push({ field: 'party', statement: row.other_party ?? '', ledger: row.t_phone });
  }
  if (
    row.t_occurred_at !== null &&
    Math.abs(Date.parse(row.t_occurred_at) - Date.parse(row.completed_at)) > timeToleranceMs
  ) {
    differences.push({ field: 'time', statement: row.completed_at, ledger: row.t_occurred_at });
  }
  return { bucket: differences.length === 0 ? 'matched' : 'difference', differences, serious, proposals: [] };
}

/** Payout attempts with no receipt in the ledger, by amount: the candidates a statement payment may be. */
function openAttemptsByAmount(db: ProfileDatabase): Map<number, OpenAttempt[]> {
  const list = db
    .prepare(
      `SELECT a.id, a.item_id, i.run_id, i.name, a.phone, a.amount_cents, a.state, a.needs_attention, coalesce(a.sent_at, a.created_at) AS at
         FROM payout_attempts a JOIN payroll_items i ON i.id = a.item_id
        WHERE a.state <> 'succeeded'`,
    )
    .all() as OpenAttempt[];
  const byAmount = new Map<number, OpenAttempt[]>();
  for (const a of list) byAmount.set(a.amount_cents, [...(byAmount.get(a.amount_cents) ?? []), a]);
  return byAmount;
}

function proposalsFor(row: JoinedRow, amount: Cents, attempts: Map<number, OpenAttempt[]>): Proposal[] {
  const at = Date.parse(row.completed_at);
  return (
    (attempts.get(amount) ?? [])
      .filter((a) => Math.abs(Date.parse(a.at) - at) <= proposalWindowMs)
      // The party must agree: a full number exactly, a masked one at both visible ends.
      .filter((a) => checkParty(a.phone, row.phone, row.other_party) === 'match')
      .map((a) => ({
        attemptId: a.id,
        itemId: a.item_id,
        runId: a.run_id,
        name: a.name,
        phone: a.phone,
        amountCents: a.amount_cents,
        state: a.state,
        needsAttention: a.needs_attention === 1,
      }))
  );
}

export interface BucketTotals {
  count: number;
  paidInCents: Cents;
  withdrawnCents: Cents;
}
export type BucketSummary = Record<Bucket, BucketTotals> & { serious: number };

export function summariseBuckets(
  db: ProfileDatabase,
  scope: { account: string; importId?: number; from?: string; to?: string },
): BucketSummary {
  const summary = Object.fromEntries(
    buckets.map((b) => [b, { count: 0, paidInCents: 0, withdrawnCents: 0 }]),
  ) as Record<Bucket, BucketTotals>;
  const rows = db
    .prepare(
      `SELECT m.bucket, count(*) AS n, sum(s.paid_in_cents) AS paid_in, sum(s.withdrawn_cents) AS withdrawn, sum(m.serious IS NOT NULL) AS serious
         FROM statement_rows s JOIN statement_matches m ON m.statement_row_id = s.id
        WHERE s.account = @account AND (@importId IS NULL OR s.import_id = @importId)
          AND (@from IS NULL OR s.completed_at >= @from) AND (@to IS NULL OR s.completed_at < @to)
        GROUP BY m.bucket`,
    )
    .all({
      account: scope.account,
      importId: scope.importId ?? null,
      from: scope.from ?? null,
      to: scope.to ?? null,
    }) as Array<{ bucket: Bucket; n: number; paid_in: number; withdrawn: number; serious: number }>;
  let serious = 0;
  for (const r of rows) {
    summary[r.bucket] = { count: r.n, paidInCents: r.paid_in, withdrawnCents: r.withdrawn };
    serious += r.serious;
  }
  return { ...summary, serious };
}
