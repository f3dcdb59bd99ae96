// Paying the same pay twice, caught two ways. A payroll repeated whole (the same file, or the same
// people with the same amounts) is refused unless the officer says "pay again", at every door: the
// screens, `pay`, the browser host. One person getting the same amount in another run close in time
// is a warning the officer reads before approving.
import { createHash } from 'node:crypto';
import { ConflictError } from '../../shared/errors';
import type { Cents } from '../../shared/money';
import { formatKesWithCurrency } from '../../shared/money';
import { formatMsisdn, type Msisdn } from '../../shared/phone';
import type { ProfileDatabase } from '../db';
import type { ItemState, RunState } from './status';
import { notRefundRun } from '../refunds/links';

export const duplicateWindowDays = 30;

export interface DuplicatePaymentWarning {
  /**
   * Names this warning for the approver's acknowledgement: this line and the other run's line. A
   * changed amount or number makes it another warning (or none), needing its own acknowledgement.
   */
  key: string;
  itemId: number;
  lineNumber: number | null;
  name: string;
  phone: Msisdn;
  amountCents: Cents;
  otherRunId: number;
  otherRunTitle: string;
  otherItemId: number;
  otherItemState: ItemState;
  otherRunCreatedAt: string;
  message: string;
}

interface MatchRow {
  item_id: number;
  line_number: number | null;
  name: string;
  phone: string;
  amount_cents: number;
  other_run_id: number;
  other_run_title: string;
  other_item_id: number;
  other_item_state: ItemState;
  other_run_created_at: string;
}

/**
 * Items of `runId` that another run also pays: same phone (the person, whether or not they are a
 * saved worker), same amount, the two runs created within `windowDays` of each other, and the other
 * item not cancelled (a cancelled line paid nobody). Runs are compared by when they were created,
 * which is when the officer prepared the pay; both earlier and later runs count.
 */
export function findDuplicatePayments(
  db: ProfileDatabase,
  runId: number,
  windowDays = duplicateWindowDays,
): DuplicatePaymentWarning[] {
  const windowMs = windowDays * 24 * 60 * 60 * 1000;
  const rows = db
    .prepare(
      `SELECT i.id AS item_id, i.line_number, i.name, i.phone, i.amount_cents,
              o.run_id AS other_run_id, orun.title AS other_run_title, o.id AS other_item_id, o.state AS other_item_state,
              orun.created_at AS other_run_created_at, run.created_at AS run_created_at
         FROM payroll_items i
         JOIN payroll_runs run ON run.id = i.run_id
         JOIN payroll_items o ON o.phone = i.phone AND o.amount_cents = i.amount_cents AND o.run_id <> i.run_id
         JOIN payroll_runs orun ON orun.id = o.run_id
        WHERE i.run_id = ? AND i.state <> 'cancelled' AND o.state <> 'cancelled' AND ${notRefundRun('o.run_id')}
        ORDER BY i.line_number, i.id, orun.created_at`,
    )
    .all(runId) as (MatchRow & { run_created_at: string })[];
  return rows
    .filter((r) => Math.abs(Date.parse(r.other_run_created_at) - Date.parse(r.run_created_at)) <= windowMs)
    .map((r) => ({
      key: duplicateWarningKey(r.item_id, r.other_item_id, r.phone, r.amount_cents),
      itemId: r.item_id,
      lineNumber: r.line_number,
      name: r.name,
      phone: r.phone,
      amountCents: r.amount_cents,
      otherRunId: r.other_run_id,
      otherRunTitle: r.other_run_title,
      otherItemId: r.other_item_id,
      otherItemState: r.other_item_state,
      otherRunCreatedAt: r.other_run_created_at,
      message:
        `${r.name} (${formatMsisdn(r.phone)}) also gets ${formatKesWithCurrency(r.amount_cents)} in run #${r.other_run_id} "${r.other_run_title}"` +
        ` (${r.other_item_state}); check this is not the same pay twice`,
    }));
}

/** The key of the warning that line `itemId` (paying `phone` `amountCents`) repeats line `otherItemId`. */
export function duplicateWarningKey(itemId: number, otherItemId: number, phone: string, amountCents: Cents): string {
  return `${itemId}:${otherItemId}:${phone}:${amountCents}`;
}

/** One person of a payroll not yet made into a run (a preview) that another run also pays. */
export interface PersonPaidElsewhere {
  lineNumber: number | null;
  name: string;
  phone: Msisdn;
  amountCents: Cents;
  otherRunId: number;
  otherRunTitle: string;
  otherItemState: ItemState;
  message: string;
}

/**
 * The duplicate-payment warning for a payroll before it becomes a run: the same rule as
 * findDuplicatePayments (same number, same amount, another run within the window, not cancelled).
 */
export function findPeoplePaidElsewhere(
  db: ProfileDatabase,
  people: ReadonlyArray<{ lineNumber: number | null; name: string; phone: Msisdn; amountCents: Cents }>,
  at: Date = new Date(),
  windowDays = duplicateWindowDays,
): PersonPaidElsewhere[] {
  const windowMs = windowDays * 24 * 60 * 60 * 1000;
  const matches = db.prepare(
    `SELECT o.run_id, orun.title, o.state, orun.created_at FROM payroll_items o JOIN payroll_runs orun ON orun.id = o.run_id
      WHERE o.phone = ? AND o.amount_cents = ? AND o.state <> 'cancelled' AND ${notRefundRun('o.run_id')} ORDER BY orun.created_at`,
  );
  const found: PersonPaidElsewhere[] = [];
  for (const person of people) {
    for (const row of matches.all(person.phone, person.amountCents) as Array<{
      run_id: number;
      title: string;
      state: ItemState;
      created_at: string;
    }>) {
      if (Math.abs(Date.parse(row.created_at) - at.getTime()) > windowMs) continue;
      found.push({
        ...person,
        otherRunId: row.run_id,
        otherRunTitle: row.title,
        otherItemState: row.state,
        message:
          `${person.name} (${formatMsisdn(person.phone)}) also gets ${formatKesWithCurrency(person.amountCents)} in run #${row.run_id} "${row.title}"` +
          ` (${row.state}); check this is not the same pay twice`,
      });
    }
  }
  return found;
}

/** An earlier run that pays the same payroll: made from the same file, or paying the same people the same amounts. */
export interface EarlierPayroll {
  runId: number;
  title: string;
  state: RunState;
  createdAt: string;
  /** same_file: the file's bytes are identical; same_people: every number and amount is. */
  match: 'same_file' | 'same_people';
  paidCount: number;
  paidCents: Cents;
  /** Items that may still be paid (not yet sent, or sent and unanswered). */
  unsettledCount: number;
  count: number;
  message: string;
}

/** How a payroll file is recognised when it comes again: the sha256 of its bytes, as hex. */
export function payrollFileSha256(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

export interface PayrollToCheck {
  /** sha256 of the file's bytes, when the payroll comes from a file. */
  fileSha256: string | null;
  people: ReadonlyArray<{ phone: Msisdn; amountCents: Cents }>;
  /** When the new run is made (now); a same-people match counts within the duplicate window. */
  at?: Date;
}

interface EarlierRunRow {
  id: number;
  title: string;
  state: RunState;
  created_at: string;
  source_file_sha256: string | null;
  count: number;
  paid_count: number;
  paid_cents: number;
  unsettled_count: number;
  attempts: number;
}

const earlierRunColumns = `r.id, r.title, r.state, r.created_at, r.source_file_sha256,
       (SELECT count(*) FROM payroll_items i WHERE i.run_id = r.id) AS count,
       (SELECT count(*) FROM payroll_items i WHERE i.run_id = r.id AND i.state = 'paid') AS paid_count,
       (SELECT coalesce(sum(i.amount_cents), 0) FROM payroll_items i WHERE i.run_id = r.id AND i.state = 'paid') AS paid_cents,
       (SELECT count(*) FROM payroll_items i WHERE i.run_id = r.id AND i.state IN ('draft', 'queued', 'paying')) AS unsettled_count,
       (SELECT count(*) FROM payout_attempts a JOIN payroll_items i ON i.id = a.item_id WHERE i.run_id = r.id) AS attempts`;

function peopleKey(people: ReadonlyArray<{ phone: string; amountCents: number }>): string {
  return people
    .map((p) => `${p.phone}:${p.amountCents}`)
    .sort()
    .join(',');
}

/**
 * Every earlier run that pays this payroll, in any state (draft, approved, running, paused,
 * completed, cancelled): one made from the same file at any time, or one paying exactly the same
 * people the same amounts within the duplicate window. A run cancelled before anything was sent
 * paid nobody and never will, so it does not count.
 */
export function findEarlierPayrolls(
  db: ProfileDatabase,
  payroll: PayrollToCheck,
  options: { excludeRunId?: number; windowDays?: number } = {},
): EarlierPayroll[] {
  const at = (payroll.at ?? new Date()).getTime();
  const windowMs = (options.windowDays ?? duplicateWindowDays) * 24 * 60 * 60 * 1000;
  const key = peopleKey(payroll.people);
  const itemsOf = db.prepare('SELECT phone, amount_cents AS amountCents FROM payroll_items WHERE run_id = ?');
  // Same-people candidates have the same number of items; comparing their lists is then exact.
  const rows = db
    .prepare(
      `SELECT ${earlierRunColumns} FROM payroll_runs r
        WHERE r.id <> @exclude AND ${notRefundRun('r.id')} AND (r.source_file_sha256 = @sha OR (SELECT count(*) FROM payroll_items i WHERE i.run_id = r.id) = @count)
        ORDER BY r.id`,
    )
    .all({
      exclude: options.excludeRunId ?? 0,
      sha: payroll.fileSha256,
      count: payroll.people.length,
    }) as EarlierRunRow[];
  const found: EarlierPayroll[] = [];
  for (const row of rows) {
    if (row.state === 'cancelled' && row.attempts === 0) continue;
    let match: EarlierPayroll['match'];
    if (payroll.fileSha256 !== null && row.source_file_sha256 === payroll.fileSha256) match = 'same_file';
    else if (
      Math.abs(Date.parse(row.created_at) - at) <= windowMs &&
      peopleKey(itemsOf.all(row.id) as Array<{ phone: string; amountCents: number }>) === key
    )
      match = 'same_people';
    else continue;
    found.push({
      runId: row.id,
      title: row.title,
      state: row.state,
      createdAt: row.created_at,
      match,
      paidCount: row.paid_count,
      paidCents: row.paid_cents,
      unsettledCount: row.unsettled_count,
      count: row.count,
      message: describeEarlierPayroll(row, match),
    });
  }
  return found;
}

function describeEarlierPayroll(row: EarlierRunRow, match: EarlierPayroll['match']): string {
  const what = match === 'same_file' ? 'was made from the same file' : 'pays the same people the same amounts';
  const paid = `${row.paid_count} of ${row.count} paid (${formatKesWithCurrency(row.paid_cents)})`;
  const open = row.unsettled_count > 0 ? `, ${row.unsettled_count} still to pay or unanswered` : '';
  return `Payroll run #${row.id} "${row.title}" (${row.state}) ${what}: ${paid}${open}.`;
}

/** Refused: this payroll was paid, or is being paid, by earlier runs; `earlier` says which. */
export class PayrollPaidBeforeError extends ConflictError {
  override name = 'PayrollPaidBeforeError';
  constructor(readonly earlier: readonly EarlierPayroll[]) {
    super(
      `This payroll was paid before, or is being paid: ${earlier.map((e) => e.message).join(' ')} ` +
        'Making another run pays these people again; it is made only when "pay again" is confirmed.',
      { code: 'payroll_paid_before' },
    );
  }
}

/** The rule every door applies before a run is made from a payroll: no repeat without "pay again". */
export function refusePayrollPaidBefore(
  db: ProfileDatabase,
  payroll: PayrollToCheck,
  payAgain: boolean,
): EarlierPayroll[] {
  const earlier = findEarlierPayrolls(db, payroll);
  if (earlier.length > 0 && !payAgain) throw new PayrollPaidBeforeError(earlier);
  return earlier;
}
