// Turns what happens inside an open profile into contract events: run progress (and a run's end)
// from the engine, new callbacks from the callback route, then what they changed (ledger, float),
// and a broken audit chain once the check started at open finds it.
import { anyAppliedBalanceAnswer, countNeedingAction } from '../callback-sources/inbox/entries';
import { countTransactionsAfter, latestTransactionId } from '../ledger/query';
import { logger } from '../log';
import { latestFloat } from '../payroll/float';
import { attemptsInRun } from '../payroll/run-results';
import { getRun } from '../payroll/runs';
import type { EventHub, ProfileCore } from '../handlers/context';
import { runProgressView } from '../handlers/runs';

const log = logger('app');

/** Wires one open profile to the hub; returns what unwires it. */
export function publishProfileEvents(core: ProfileCore, events: EventHub): () => void {
  const { db } = core;
  // What was last announced as each run's end. A retry of failed payments can end the same run
  // again with the same counts, so the number of attempts is part of what makes an end new.
  const announced = new Map<number, string>();
  let lastTransactionId = latestTransactionId(db) ?? 0;

  const stopProgress = core.engine.onProgress((progress) => {
    try {
      const view = runProgressView(db, progress.runId, progress);
      events.publish('run.progress', view);
      const over =
        (view.state === 'completed' || view.state === 'cancelled') && view.counts.queued + view.counts.paying === 0;
      if (!over) return;
      const attempts = attemptsInRun(db, view.runId);
      const end = `${view.state}:${view.counts.paid}:${view.counts.failed}:${view.counts.cancelled}:${attempts}`;
      if (announced.get(view.runId) === end) return;
      announced.set(view.runId, end);
      const { title } = getRun(db, view.runId);
      events.publish('run.ended', {
        runId: view.runId,
        title,
        displayStatus: view.displayStatus,
        paidCount: view.counts.paid,
        failedCount: view.counts.failed,
        paidCents: view.totals.paidCents,
      });
    } catch (error) {
      // An event is a courtesy to the screens; never let it disturb the engine that called us.
      log.error({ err: error, runId: progress.runId }, 'could not publish run progress');
    }
  });

  const stopInbox = core.source.onStored((ids) => {
    try {
      events.publish('inbox.changed', { added: ids.length, needsAction: countNeedingAction(db) });
      const latest = latestTransactionId(db) ?? 0;
      if (latest > lastTransactionId) {
        const added = countTransactionsAfter(db, lastTransactionId);
        lastTransactionId = latest;
        events.publish('ledger.changed', { added, latestId: latest });
      }
      if (anyAppliedBalanceAnswer(db, ids)) events.publish('balance.changed', latestFloat(db));
    } catch (error) {
      log.error({ err: error }, 'could not publish inbox events');
    }
  });

  const stopMoneyIn =
    core.moneyIn?.onChange((change) => {
      events.publish('collections.changed', { requestId: change.requestId ?? null, inboxId: change.inboxId ?? null });
    }) ?? (() => undefined);

  // The chain is checked after the profile opens; a page already showing the Dashboard hears of a break.
  let wired = true;
  void core.audit.done.then((alarm) => {
    if (wired && alarm !== null) events.publish('audit.alarm', alarm);
  });

  // M-Pesa or the relay stopped answering, or answers again: the frame's banner.
  const stopReach =
    core.reachability?.onChange((unreachable) => events.publish('connection.changed', { unreachable })) ??
    (() => undefined);
  // A profile opens reachable as far as anyone knows; a page still showing the last one's banner clears it.
  events.publish('connection.changed', { unreachable: core.reachability?.unreachable() ?? [] });

  return () => {
    wired = false;
    stopProgress();
    stopInbox();
    stopMoneyIn();
    stopReach();
  };
}
