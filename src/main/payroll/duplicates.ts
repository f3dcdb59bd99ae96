// The duplicate-payment warning: the same number getting the same amount in another run close in
// time is the commonest way a payroll is paid twice (the same file imported again next week).
import type { Cents } from '../../shared/money';
import { formatKesWithCurrency } from '../../shared/money';
import { formatMsisdn, type Msisdn } from '../../shared/phone';
import type { ProfileDatabase } from '../db';
import type { ItemState } from './status';

export const duplicateWindowDays = 30;

export interface DuplicatePaymentWarning {
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
export function findDuplicatePayments(db: ProfileDatabase, runId: number, windowDays = duplicateWindowDays): DuplicatePaymentWarning[] {
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
        WHERE i.run_id = ? AND i.state <> 'cancelled' AND o.state <> 'cancelled'
        ORDER BY i.line_number, i.id, orun.created_at`,
    )
    .all(runId) as (MatchRow & { run_created_at: string })[];
  return rows
    .filter((r) => Math.abs(Date.parse(r.other_run_created_at) - Date.parse(r.run_created_at)) <= windowMs)
    .map((r) => ({
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
