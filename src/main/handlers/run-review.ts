// Contract handlers for what the approver sees and what the maker does with a draft: review,
// approve (each duplicate warning acknowledged), edit, remove and add lines, discard, and retries
// asked for by one person and approved by another. The rules are the domain's
// (run-approval.ts, run-drafts.ts, retry-requests.ts): these translate and name the caller.
import { ForbiddenError } from '../../shared/errors';
import { findDuplicatePayments, findEarlierPayrolls } from '../payroll/duplicates';
import { runFloatNeed } from '../payroll/engine/float-check';
import { floatCheck } from '../payroll/float';
import { requestRetry } from '../payroll/retry-requests';
import { approveRun } from '../payroll/run-approval';
import { addWorkersToRun, discardRun, editRunItem, removeRunItem } from '../payroll/run-drafts';
import { runView } from '../payroll/run-results';
import { runReviewDetail } from '../payroll/run-review';
import { getRunItem, listRunItems, type RunActor, type RunApprover } from '../payroll/runs';
import { runSummary } from '../payroll/run-summary';
import { refuseRefundRun } from '../refunds/links';
import type { ContractHandlers } from '../transports/dispatch';
import type { ApiContext } from './context';
import { leftOutOf } from './left-out-rows';
import { registerDemoPeople } from './runs';

export type ReviewMethods =
  | 'runs.review'
  | 'runs.approve'
  | 'runs.editLine'
  | 'runs.removeLine'
  | 'runs.addWorkers'
  | 'runs.discard'
  | 'runs.requestRetry'
  | 'runs.approveRetry';

export function runReviewHandlers(ctx: ApiContext): Pick<ContractHandlers, ReviewMethods> {
  const core = () => ctx.session.require();
  const db = () => core().db;
  const actor = (): RunActor => ({ name: ctx.actor, accountId: ctx.caller()?.accountId ?? null });
  /** Someone signed in: approving, and asking for a retry, are always someone's. */
  const signedIn = (doing: string): RunApprover => {
    const caller = ctx.caller();
    if (caller === null) throw new ForbiddenError(`${doing} needs someone signed in.`);
    return { name: caller.username, accountId: caller.accountId };
  };
  return {
    'runs.review': ({ runId, lines }) => {
      const c = core();
      const summary = runSummary(c.db, runId);
      return {
        run: runView(c.db, runId),
        charges: { ...summary.charges },
        floatCheck: floatCheck(c.db, runFloatNeed(c.db, runId).totalWithChargesCents, runId),
        duplicateWarnings: findDuplicatePayments(c.db, runId).map((w) => ({
          key: w.key,
          itemId: w.itemId,
          name: w.name,
          phone: w.phone,
          amountCents: w.amountCents,
          otherRunId: w.otherRunId,
          otherRunTitle: w.otherRunTitle,
          message: w.message,
        })),
        leftOutRows: (leftOutOf(c, runId)?.rows ?? []).map((r) => ({ row: r.row, reason: r.reason, raw: [...r.raw] })),
        nameMismatches: summary.nameMismatches,
        earlierRuns: findEarlierPayrolls(
          c.db,
          {
            fileSha256: summary.run.sourceFileSha256,
            people: listRunItems(c.db, runId).map((item) => ({ phone: item.phone, amountCents: item.amountCents })),
            at: new Date(summary.run.createdAt),
          },
          { excludeRunId: runId },
        ),
        ...runReviewDetail(c.db, runId, ctx.caller(), lines),
      };
    },
    'runs.approve': ({ runId, acknowledgedWarnings }) => {
      refuseRefundRun(db(), runId, 'approved');
      approveRun(db(), runId, signedIn('Approving a payroll run'), acknowledgedWarnings);
      return runView(db(), runId);
    },
    'runs.editLine': ({ itemId, changes }) => {
      const c = core();
      const item = editRunItem(c.db, itemId, changes, actor());
      if (changes.phone !== undefined || changes.name !== undefined) registerDemoPeople(c, item.runId);
      return runView(c.db, item.runId);
    },
    'runs.removeLine': ({ itemId }) => {
      const database = db();
      const { runId } = getRunItem(database, itemId);
      removeRunItem(database, itemId, actor());
      return runView(database, runId);
    },
    'runs.addWorkers': ({ runId, workers }) => {
      const c = core();
      addWorkersToRun(c.db, runId, workers, actor());
      registerDemoPeople(c, runId);
      return runView(c.db, runId);
    },
    'runs.discard': ({ runId }) => {
      discardRun(db(), runId, actor());
      return runView(db(), runId);
    },
    'runs.requestRetry': ({ runId }) => {
      const request = requestRetry(db(), runId, signedIn('Asking for failed payments to be sent again'));
      return {
        requestedBy: { username: request.requestedByUsername, displayName: request.requestedByName },
        requestedAt: request.requestedAt,
        count: request.count,
        amountCents: request.amountCents,
      };
    },
    'runs.approveRetry': ({ runId }) => {
      const c = core();
      const queued = c.engine.approveRequestedRetry(runId, signedIn('Approving a retry'));
      return { run: runView(c.db, runId), queued };
    },
  };
}
