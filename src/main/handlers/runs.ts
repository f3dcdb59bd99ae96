// Contract handlers for payroll runs: preview a file, create from workers or a file, send (through
// the payout engine), pause, resume, cancel, results, what a retry would send, export. Review,
// approval, the maker's draft and retry requests are in run-review.ts.
import type { MethodOutput } from '../../shared/contract';
import { refuseWorkersWithUnapprovedPhone } from '../payroll/phone-changes';
import { estimateRunCharges } from '../payroll/charges';
import { findEarlierPayrolls, payrollFileSha256 } from '../payroll/duplicates';
import { runProgress } from '../payroll/engine/progress';
import { floatCheck } from '../payroll/float';
import { retryPlan, runResults, runView } from '../payroll/run-results';
import {
  countRuns,
  createRunFromFile,
  createRunFromWorkers,
  listRuns,
  runPayees,
  type RunActor,
} from '../payroll/runs';
import { runSummary } from '../payroll/run-summary';
import { refuseRefundRun } from '../refunds/links';
import type { ProfileDatabase } from '../db';
import type { ContractHandlers } from '../transports/dispatch';
import type { ReviewMethods } from './run-review';
import type { ApiContext, ProfileCore } from './context';
import { decodeUpload } from './files';
import { rememberLeftOut } from './left-out-rows';
import { exportRunResults } from './run-export';
import { importPreviewView, readUpload, type UploadChoice } from './imports';

type RunMethods = Exclude<
  Extract<keyof ContractHandlers, `runs.${string}`>,
  'runs.attention' | 'runs.resolve' | 'runs.clearFinding' | ReviewMethods
>;

/** A payroll file pays saved workers too: a known phone is a warning, not an invalid row. */
function previewRunFile(ctx: ApiContext, db: ProfileDatabase, upload: UploadChoice, forPreview: boolean) {
  return readUpload(db, upload, 'payroll', ctx.actor, forPreview);
}

export function runProgressView(
  db: ProfileDatabase,
  runId: number,
  live?: { sentPerSecond: number; etaSeconds: number | null; needsAttention: number; held: string | null },
  held: string | null = null,
): MethodOutput<'runs.progress'> {
  const progress = runProgress(db, runId);
  const summary = runSummary(db, runId);
  return {
    runId,
    state: progress.state,
    displayStatus: progress.status,
    counts: { ...progress.counts },
    totals: { ...summary.totals },
    needsAttention: live?.needsAttention ?? progress.needsAttention,
    findings: progress.findings,
    held: progress.state === 'running' ? (live?.held ?? held) : null,
    ratePerSecond: live === undefined ? null : live.sentPerSecond,
    etaSeconds: live?.etaSeconds ?? null,
    at: new Date().toISOString(),
  };
}

export function runHandlers(ctx: ApiContext): Pick<ContractHandlers, RunMethods> {
  const core = () => ctx.session.require();
  const db = () => core().db;
  const actor = (): RunActor => ({ name: ctx.actor, accountId: ctx.caller()?.accountId ?? null });
  return {
    'runs.list': ({ state, limit, offset }) => {
      const database = db();
      const runs = listRuns(database, { ...(state === undefined ? {} : { state }), limit, offset });
      return { runs: runs.map((run) => runView(database, run.id)), total: countRuns(database, state) };
    },
    'runs.previewFile': async ({ contentBase64, sheet, mapping }) => {
      const database = db();
      const preview = await previewRunFile(ctx, database, { contentBase64, sheet, mapping }, true);
      const estimate = estimateRunCharges(preview.valid);
      const fileSha256 = payrollFileSha256(decodeUpload(contentBase64));
      const earlierRuns = findEarlierPayrolls(database, {
        fileSha256,
        people: preview.valid.map((row) => ({ phone: row.msisdn, amountCents: row.amountCents })),
      });
      return {
        preview: importPreviewView(preview),
        estimatedChargesCents: estimate.chargesCents,
        floatCheck: floatCheck(database, estimate.totalWithChargesCents),
        earlierRuns,
      };
    },
    'runs.createFromWorkers': ({ title, period, commandId, remarks, workers }) => {
      const database = db();
      // No new run picks up a worker whose new number waits for approval (phone-changes.ts).
      refuseWorkersWithUnapprovedPhone(
        database,
        workers.map((chosen) => chosen.workerId),
      );
      const run = createRunFromWorkers(
        database,
        {
          title,
          ...(period === undefined ? {} : { period }),
          ...(commandId === undefined ? {} : { commandId }),
          ...(remarks === undefined ? {} : { remarks }),
          workers,
        },
        actor(),
      );
      registerDemoPeople(core(), run.id);
      return runView(database, run.id);
    },
    'runs.createFromFile': async ({ title, period, commandId, fileName, contentBase64, sheet, mapping, payAgain }) => {
      const c = core();
      const preview = await previewRunFile(ctx, c.db, { contentBase64, sheet, mapping }, false);
      const fileSha256 = payrollFileSha256(decodeUpload(contentBase64));
      const run = createRunFromFile(
        c.db,
        {
          title,
          ...(period === undefined ? {} : { period }),
          ...(commandId === undefined ? {} : { commandId }),
          fileName,
          fileSha256,
          preview,
          payAgain: payAgain === true,
        },
        actor(),
      );
      rememberLeftOut(c, run.id, {
        titles: preview.columns.map((column) => column.title),
        rows: importPreviewView(preview).invalid,
      });
      registerDemoPeople(c, run.id);
      return runView(c.db, run.id);
    },
    'runs.start': async ({ runId }) => {
      const c = core();
      refuseRefundRun(c.db, runId, 'started');
      await c.engine.startRun(runId, ctx.actor);
      return runView(c.db, runId);
    },
    'runs.pause': ({ runId }) => {
      const c = core();
      refuseRefundRun(c.db, runId, 'paused');
      c.engine.pauseRun(runId, ctx.actor);
      return runView(c.db, runId);
    },
    'runs.resume': ({ runId }) => {
      const c = core();
      c.engine.resumeRun(runId, ctx.actor);
      return runView(c.db, runId);
    },
    'runs.cancel': ({ runId }) => {
      const c = core();
      refuseRefundRun(c.db, runId, 'cancelled');
      c.engine.cancelRun(runId, ctx.actor);
      return runView(c.db, runId);
    },
    'runs.progress': ({ runId }) => runProgressView(db(), runId, undefined, core().engine.held),
    'runs.results': ({ runId, show, search, limit, offset }) => {
      const database = db();
      runSummary(database, runId); // a missing run is a not-found error, not an empty list
      return runResults(database, runId, { show, search, limit, offset });
    },
    'runs.retryFailed': ({ runId }) => {
      const plan = retryPlan(db(), runId);
      return {
        runId,
        count: plan.count,
        amountCents: plan.amountCents,
        estimatedChargesCents: plan.chargesCents,
        items: plan.items,
      };
    },
    'runs.export': ({ runId, format }) => exportRunResults(ctx, core(), runId, format),
  };
}

/** Demo: the simulator learns the run's people under the names on the run (see open-core.ts). */
export function registerDemoPeople(core: ProfileCore, runId: number): void {
  if (core.registerDemoCustomers === undefined) return;
  core.registerDemoCustomers(runPayees(core.db, runId));
}
