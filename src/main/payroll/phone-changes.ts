// A changed M-Pesa number waits for a second person: the classic payroll fraud is a quietly changed
// phone number. This module owns `worker_phone_changes` and the one rule every door asks: while a
// worker's change of number is pending, that worker is paid at neither number. The worker's row
// holds the new number at once (so the form shows what was typed), and the number it replaced
// stays reserved for the worker; an approver other than the person who changed it approves the
// change (the new number stands) or rejects it (the old one comes back, phone-decisions.ts).
// A brand-new worker is not a change: the run's approver sees new people in the run's review.
// docs/architecture.md#changes-of-m-pesa-number says why each piece is where it is.
import { ConflictError, NotFoundError } from '../../shared/errors';
import { formatMsisdn, type Msisdn } from '../../shared/phone';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';

export type PhoneChangeStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

export interface PhoneChange {
  id: number;
  workerId: number;
  workerName: string;
  /** The number paid before the change: the last one approved, or the worker's first. */
  oldPhone: Msisdn;
  newPhone: Msisdn;
  /** Username of the person who changed it, and their name as the accounts list shows it. */
  changedBy: string;
  changedByName: string;
  changedByAccountId: number | null;
  changedAt: string;
  status: PhoneChangeStatus;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: string | null;
}

/** Who changes a number: the username for the record, the account when signed in. */
export interface PhoneChanger {
  name: string;
  accountId: number | null;
}

interface PhoneChangeRow {
  id: number;
  worker_id: number;
  worker_name: string;
  old_phone: string;
  new_phone: string;
  changed_by: string;
  changed_by_name: string | null;
  changed_by_account_id: number | null;
  changed_at: string;
  status: PhoneChangeStatus;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: string | null;
}

const changeSelect = `SELECT c.id, c.worker_id, w.name AS worker_name, c.old_phone, c.new_phone, c.changed_by,
    ca.display_name AS changed_by_name, c.changed_by_account_id, c.changed_at, c.status, c.decided_by,
    da.display_name AS decided_by_name, c.decided_at
  FROM worker_phone_changes c
  JOIN workers w ON w.id = c.worker_id
  LEFT JOIN accounts ca ON ca.id = c.changed_by_account_id
  LEFT JOIN accounts da ON da.id = c.decided_by_account_id`;

function toChange(row: PhoneChangeRow): PhoneChange {
  return {
    id: row.id,
    workerId: row.worker_id,
    workerName: row.worker_name,
    oldPhone: row.old_phone,
    newPhone: row.new_phone,
    changedBy: row.changed_by,
    changedByName: row.changed_by_name ?? row.changed_by,
    changedByAccountId: row.changed_by_account_id,
    changedAt: row.changed_at,
    status: row.status,
    decidedBy: row.decided_by,
    decidedByName: row.decided_by === null ? null : (row.decided_by_name ?? row.decided_by),
    decidedAt: row.decided_at,
  };
}

export function getPhoneChange(db: ProfileDatabase, changeId: number): PhoneChange {
  const row = db.prepare(`${changeSelect} WHERE c.id = ?`).get(changeId) as PhoneChangeRow | undefined;
  if (row === undefined) throw new NotFoundError(`There is no change of number #${changeId}`);
  return toChange(row);
}

/** The worker's change of number waiting for approval, or null: the one place every door asks. */
export function pendingPhoneChangeFor(db: ProfileDatabase, workerId: number): PhoneChange | null {
  const row = db.prepare(`${changeSelect} WHERE c.worker_id = ? AND c.status = 'pending'`).get(workerId) as
    PhoneChangeRow | undefined;
  return row === undefined ? null : toChange(row);
}

/** Every change of number waiting for approval, oldest first: the approvers' list. */
export function pendingPhoneChanges(db: ProfileDatabase): PhoneChange[] {
  return (
    db.prepare(`${changeSelect} WHERE c.status = 'pending' ORDER BY c.changed_at, c.id`).all() as PhoneChangeRow[]
  ).map(toChange);
}

/** How many changes of number wait for approval. */
export function countPendingPhoneChanges(db: ProfileDatabase): number {
  return (db.prepare("SELECT count(*) AS n FROM worker_phone_changes WHERE status = 'pending'").get() as { n: number })
    .n;
}

/**
 * The other worker whose approved number is `phone` while their change of number is pending: that
 * number is theirs again if the change is rejected, so nobody else may take it meanwhile.
 */
export function workerHoldingOldPhone(
  db: ProfileDatabase,
  phone: Msisdn,
  exceptWorkerId: number | null,
): { id: number; name: string } | null {
  const row = db
    .prepare(
      `SELECT w.id, w.name FROM worker_phone_changes c JOIN workers w ON w.id = c.worker_id
        WHERE c.status = 'pending' AND c.old_phone = ? AND c.worker_id IS NOT ?`,
    )
    .get(phone, exceptWorkerId) as { id: number; name: string } | undefined;
  return row ?? null;
}

/** Closes a pending change as decided; the schema keeps a decided change as it is. */
export function closePhoneChange(
  db: ProfileDatabase,
  changeId: number,
  status: Exclude<PhoneChangeStatus, 'pending'>,
  by: PhoneChanger,
  now: Date,
): void {
  const result = db
    .prepare(
      `UPDATE worker_phone_changes SET status = ?, decided_by = ?, decided_by_account_id = ?, decided_at = ?
        WHERE id = ? AND status = 'pending'`,
    )
    .run(status, by.name, by.accountId, now.toISOString(), changeId);
  if (result.changes !== 1) throw new ConflictError(`The change of number #${changeId} was already decided`);
}

/**
 * Records that the worker's number went from `from` to `to`, in the transaction of the edit that
 * saved it. A change made while another is pending replaces it (the first is withdrawn) and still
 * counts from the last approved number; setting the number back to that one leaves nothing to
 * approve. Returns the change now pending, or null.
 */
export function notePhoneChange(
  db: ProfileDatabase,
  workerId: number,
  from: Msisdn,
  to: Msisdn,
  changer: PhoneChanger,
  now = new Date(),
): PhoneChange | null {
  const earlier = pendingPhoneChangeFor(db, workerId);
  const approvedPhone = earlier?.oldPhone ?? from;
  if (earlier !== null) {
    closePhoneChange(db, earlier.id, 'withdrawn', changer, now);
    appendAudit(db, {
      actor: changer.name,
      action: 'worker.phone_change_withdrawn',
      entity: 'worker',
      entityId: workerId,
      details: { changeId: earlier.id, from: earlier.oldPhone, to: earlier.newPhone, replacedBy: to },
    });
  }
  if (to === approvedPhone) return null;
  const changeId = Number(
    db
      .prepare(
        `INSERT INTO worker_phone_changes (worker_id, old_phone, new_phone, changed_by, changed_by_account_id, changed_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(workerId, approvedPhone, to, changer.name, changer.accountId, now.toISOString()).lastInsertRowid,
  );
  appendAudit(db, {
    actor: changer.name,
    action: 'worker.phone_change_requested',
    entity: 'worker',
    entityId: workerId,
    details: { changeId, from: approvedPhone, to },
  });
  return getPhoneChange(db, changeId);
}

/**
 * A line of a run that must not be paid: its worker's change of number is pending, or its worker's
 * number changed (approved, or rejected back) since the line was made, so the line pays a number
 * that is not the worker's approved one.
 */
export interface PhoneChangeHold {
  itemId: number;
  name: string;
  phone: Msisdn;
  workerId: number | null;
  reason: 'pending' | 'number_changed';
  /** The pending change ('pending'), or null. */
  change: PhoneChange | null;
  /** The worker's number as saved now ('number_changed'), or null. */
  workerPhone: Msisdn | null;
}

/**
 * The run's lines not yet sent that must wait: those of a worker whose change of number is
 * pending, linked to that worker or paying either of its numbers (a line from a file may carry
 * the number unlinked); and those linked to a worker whose saved number is no longer the line's.
 */
export function phoneChangeHolds(db: ProfileDatabase, runId: number): PhoneChangeHold[] {
  const pending = db
    .prepare(
      `SELECT i.id AS item_id, i.name, i.phone, i.worker_id, min(c.id) AS change_id
         FROM payroll_items i
         JOIN worker_phone_changes c ON c.status = 'pending'
          AND (c.worker_id = i.worker_id OR c.old_phone = i.phone OR c.new_phone = i.phone)
        WHERE i.run_id = ? AND i.state IN ('draft', 'queued')
        GROUP BY i.id ORDER BY i.line_number, i.id`,
    )
    .all(runId) as { item_id: number; name: string; phone: string; worker_id: number | null; change_id: number }[];
  const held = new Set(pending.map((row) => row.item_id));
  const changed = (
    db
      .prepare(
        `SELECT i.id AS item_id, i.name, i.phone, i.worker_id, w.phone AS worker_phone
           FROM payroll_items i JOIN workers w ON w.id = i.worker_id
          WHERE i.run_id = ? AND i.state IN ('draft', 'queued') AND i.phone <> w.phone
          ORDER BY i.line_number, i.id`,
      )
      .all(runId) as { item_id: number; name: string; phone: string; worker_id: number; worker_phone: string }[]
  ).filter((row) => !held.has(row.item_id));
  return [
    ...pending.map((row): PhoneChangeHold => ({
      itemId: row.item_id,
      name: row.name,
      phone: row.phone,
      workerId: row.worker_id,
      reason: 'pending',
      change: getPhoneChange(db, row.change_id),
      workerPhone: null,
    })),
    ...changed.map((row): PhoneChangeHold => ({
      itemId: row.item_id,
      name: row.name,
      phone: row.phone,
      workerId: row.worker_id,
      reason: 'number_changed',
      change: null,
      workerPhone: row.worker_phone,
    })),
  ];
}

function namesOf(changes: readonly PhoneChange[]): string {
  const names = [
    ...new Set(
      changes.map(
        (change) => `${change.workerName} (${formatMsisdn(change.oldPhone)} → ${formatMsisdn(change.newPhone)})`,
      ),
    ),
  ];
  if (names.length <= 3) return names.join(', ');
  return `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

/**
 * Throws unless no line of the run must wait for a change of number (phoneChangeHolds). Run
 * approval calls it before recording an approval, and the sending door before the engine sends,
 * so neither the old nor the new number is paid until an approver other than the changer has
 * decided, and a line made before the decision never pays a number that is no longer the worker's.
 */
export function refuseUnapprovedPhoneChanges(db: ProfileDatabase, runId: number): void {
  const holds = phoneChangeHolds(db, runId);
  if (holds.length === 0) return;
  const changes = holds.flatMap((hold) => (hold.change === null ? [] : [hold.change]));
  if (changes.length > 0) {
    const one = new Set(changes.map((change) => change.id)).size === 1;
    throw new ConflictError(
      `Payroll run #${runId} cannot be approved or sent yet: the M-Pesa number of ${namesOf(changes)} was changed and ${one ? 'waits' : 'wait'} for an approver other than the person who changed it. Approve or reject the change under Workers, or take the line out of the run.`,
      { code: 'phone_change_pending' },
    );
  }
  const lines = holds.map(
    (hold) =>
      `${hold.name} (the line pays ${formatMsisdn(hold.phone)}; the saved number is ${formatMsisdn(hold.workerPhone ?? '')})`,
  );
  throw new ConflictError(
    `Payroll run #${runId} cannot be approved or sent: the M-Pesa number of ${lines.slice(0, 3).join(', ')}${lines.length > 3 ? ` and ${lines.length - 3} more` : ''} changed after the line was made. Take the line out and add the worker again, so the run pays the approved number.`,
    { code: 'phone_changed_since_line' },
  );
}

/** Throws when any of these workers has a change of number pending: no new run picks them up. */
export function refuseWorkersWithUnapprovedPhone(db: ProfileDatabase, workerIds: readonly number[]): void {
  const changes = workerIds
    .map((workerId) => pendingPhoneChangeFor(db, workerId))
    .filter((change): change is PhoneChange => change !== null);
  if (changes.length === 0) return;
  throw new ConflictError(
    `The M-Pesa number of ${namesOf(changes)} was changed and ${changes.length === 1 ? 'waits' : 'wait'} for approval; they cannot be paid until an approver other than the person who changed it approves or rejects the change.`,
    { code: 'phone_change_pending' },
  );
}
