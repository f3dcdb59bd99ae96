// Sending failed payments again takes two people: a payroll officer asks (requestRetry), naming
// exactly the failed lines the retry plan shows at that moment, and an approver other than the
// one who asked approves (approveRequestedRetry), whatever roles the asker holds. Nobody approves a
// retry nobody asked for, and an approval covers only the lines that were asked for: when the
// failed lines changed since, the request is set aside and someone asks again.
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors';
import { formatKesWithCurrency, type Cents } from '../../shared/money';
import { formatCount } from '../../shared/format';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { accountRowById, rolesOf } from '../users/account-rows';
import { approveRetry } from './engine/run-control';
import { retryPlan } from './run-results';
import type { RunApprover } from './runs';
import { refuseRefundRun } from '../refunds/links';

export interface RetryRequest {
  id: number;
  runId: number;
  requestedByAccountId: number;
  requestedByUsername: string;
  requestedByName: string;
  requestedAt: string;
  itemIds: number[];
  count: number;
  amountCents: Cents;
}

interface RequestRow {
  id: number;
  run_id: number;
  requested_by: number;
  requested_at: string;
  item_ids: string;
  item_count: number;
  amount_cents: number;
  username: string;
  display_name: string;
}

/** The run's request that is neither approved nor set aside, or null when nobody is asking. */
export function openRetryRequest(db: ProfileDatabase, runId: number): RetryRequest | null {
  const row = db
    .prepare(
      `SELECT r.*, a.username, a.display_name FROM retry_requests r JOIN accounts a ON a.id = r.requested_by
        WHERE r.run_id = ? AND r.approved_at IS NULL AND r.set_aside_at IS NULL`,
    )
    .get(runId) as RequestRow | undefined;
  if (row === undefined) return null;
  return {
    id: row.id,
    runId: row.run_id,
    requestedByAccountId: row.requested_by,
    requestedByUsername: row.username,
    requestedByName: row.display_name,
    requestedAt: row.requested_at,
    itemIds: JSON.parse(row.item_ids) as number[],
    count: row.item_count,
    amountCents: row.amount_cents,
  };
}

function plannedIds(db: ProfileDatabase, runId: number): { ids: number[]; amountCents: Cents } {
  const plan = retryPlan(db, runId);
  return { ids: plan.items.map((item) => item.itemId).sort((a, b) => a - b), amountCents: plan.amountCents };
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function setAside(db: ProfileDatabase, request: RetryRequest, reason: string, actor: string, now: Date): void {
  db.prepare(
    'UPDATE retry_requests SET set_aside_at = ?, set_aside_reason = ? WHERE id = ? AND approved_at IS NULL AND set_aside_at IS NULL',
  ).run(now.toISOString(), reason, request.id);
  appendAudit(db, {
    actor,
    action: 'payroll_run.retry_request_set_aside',
    entity: 'payroll_run',
    entityId: request.runId,
    details: { requestedBy: request.requestedByUsername, requestedAt: request.requestedAt, reason },
  });
}

/**
 * A payroll officer asks for the run's failed payments (as the retry plan lists them now) to be
 * sent again. Nothing is sent until an approver other than them approves. Asking again while an
 * earlier request names other lines sets that one aside.
 */
export function requestRetry(db: ProfileDatabase, runId: number, asker: RunApprover, now = new Date()): RetryRequest {
  return db
    .transaction(() => {
      const account = accountRowById(db, asker.accountId);
      if (account === undefined) throw new NotFoundError(`There is no account #${asker.accountId}`);
      if (account.disabled_at !== null)
        throw new ValidationError(`The account ${account.username} is disabled; an admin can enable it.`, {
          code: 'account_disabled',
        });
      refuseRefundRun(db, runId, 'retried');
      const plan = plannedIds(db, runId);
      if (plan.ids.length === 0)
        throw new ValidationError(`Payroll run #${runId} has no failed payment that can be sent again.`, {
          code: 'nothing_to_retry',
        });
      const open = openRetryRequest(db, runId);
      if (open !== null) {
        if (sameIds(open.itemIds, plan.ids))
          throw new ConflictError(
            `${open.requestedByUsername} already asked for these ${formatCount(open.count, 'payment')} to be sent again; an approver other than them approves it.`,
            { code: 'retry_already_requested' },
          );
        setAside(db, open, 'the failed payments changed; asked again', account.username, now);
      }
      db.prepare(
        `INSERT INTO retry_requests (run_id, requested_by, requested_at, item_ids, item_count, amount_cents)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(runId, account.id, now.toISOString(), JSON.stringify(plan.ids), plan.ids.length, plan.amountCents);
      appendAudit(db, {
        actor: account.username,
        action: 'payroll_run.retry_requested',
        entity: 'payroll_run',
        entityId: runId,
        details: { items: plan.ids.length, amountCents: plan.amountCents, itemIds: plan.ids },
      });
      return openRetryRequest(db, runId) as RetryRequest;
    })
    .immediate();
}

/**
 * An approver approves the open request: exactly the lines asked for are queued again (the
 * engine sends each a new attempt). Refused when nobody asked, for the person who asked whatever
 * roles they hold, for an account without the approver role, and when the failed lines changed
 * since the request (it is then set aside: ask again).
 */
export function approveRequestedRetry(
  db: ProfileDatabase,
  runId: number,
  approver: RunApprover,
  now = new Date(),
): { queued: number; request: RetryRequest } {
  // A stale request is set aside in a transaction that commits, and only then refused.
  const outcome = db
    .transaction((): { queued: number; request: RetryRequest } | { stale: RetryRequest } => {
      const request = openRetryRequest(db, runId);
      if (request === null)
        throw new ConflictError(
          `Nobody has asked for the failed payments of payroll run #${runId} to be sent again; a payroll officer asks first.`,
          { code: 'retry_not_requested' },
        );
      const account = accountRowById(db, approver.accountId);
      if (account === undefined) throw new NotFoundError(`There is no account #${approver.accountId}`);
      if (account.id === request.requestedByAccountId)
        throw new ForbiddenError(
          `${account.username} asked for this retry and cannot approve it: an approver other than them must.`,
          { code: 'asker_cannot_approve' },
        );
      if (account.disabled_at !== null)
        throw new ValidationError(`The account ${account.username} is disabled; an admin can enable it.`, {
          code: 'account_disabled',
        });
      if (!rolesOf(db, account.id).includes('approver'))
        throw new ForbiddenError(
          `Only someone with the approver role can approve a retry; ${account.username} does not have it.`,
          { code: 'role_needed' },
        );
      const plan = plannedIds(db, runId);
      if (!sameIds(plan.ids, request.itemIds)) {
        setAside(db, request, 'the failed payments changed before it was approved', account.username, now);
        return { stale: request };
      }
      const queued = approveRetry(db, runId, account.username, now.toISOString());
      db.prepare(
        'UPDATE retry_requests SET approved_by = ?, approved_at = ?, queued = ? WHERE id = ? AND approved_at IS NULL',
      ).run(account.id, now.toISOString(), queued, request.id);
      appendAudit(db, {
        actor: account.username,
        action: 'payroll_run.retry_request_approved',
        entity: 'payroll_run',
        entityId: runId,
        details: { requestedBy: request.requestedByUsername, requestedAt: request.requestedAt, queued },
      });
      return { queued, request };
    })
    .immediate();
  if ('stale' in outcome) {
    const { stale } = outcome;
    throw new ConflictError(
      `The failed payments of payroll run #${runId} changed since ${stale.requestedByUsername} asked (${formatCount(stale.count, 'payment')}, ${formatKesWithCurrency(stale.amountCents)}); the request was set aside: ask again.`,
      { code: 'retry_request_stale' },
    );
  }
  return outcome;
}
