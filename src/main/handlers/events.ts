// Turns what happens inside an open profile into contract events: run progress (and a run's end)
// from the engine, new callbacks from the callback route, then what they changed (ledger, float),
// and a broken audit chain once the check started at open finds it.
import type { ProfileDatabase } from '../db';
import { logger } from '../log';
import type { EventHub, ProfileCore } from './context';
import { latestFloat } from './float';
import { needsActionSql } from './inbox';
import { runProgressView } from './runs';

const log = logger('app');

function maxTransactionId(db: ProfileDatabase): number {
  return (db.prepare('SELECT coalesce(max(id), 0) AS id FROM transactions').get() as { id: number }).id;
}

/** Wires one open profile to the hub; returns what unwires it. */
export function publishProfileEvents(core: ProfileCore, events: EventHub): () => void {
  const { db } = core;
  // What was last announced as each run's end. A retry of failed payments can end the same run
  // again with the same counts, so the number of attempts is part of what makes an end new.
  const announced = new Map<number, string>();
  let lastTransactionId = maxTransactionId(db);

  const stopProgress = core.engine.onProgress((progress) => {
    try {
      const view = runProgressView(db, progress.runId, progress);
      events.publish('run.progress', view);
      const over =
        (view.state === 'completed' || view.state === 'cancelled') && view.counts.queued + view.counts.paying === 0;
      if (!over) return;
      const attempts = db
        .prepare(
          'SELECT count(*) AS n FROM payout_attempts a JOIN payroll_items i ON i.id = a.item_id WHERE i.run_id = ?',
        )
        .get(view.runId) as { n: number };
      const end = `${view.state}:${view.counts.paid}:${view.counts.failed}:${view.counts.cancelled}:${attempts.n}`;
      if (announced.get(view.runId) === end) return;
      announced.set(view.runId, end);
      const title = (db.prepare('SELECT title FROM payroll_runs WHERE id = ?').get(view.runId) as { title: string })
        .title;
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
      const needsAction = (db.prepare(`SELECT count(*) AS n FROM inbox WHERE ${needsActionSql}`).get() as { n: number })
        .n;
      events.publish('inbox.changed', { added: ids.length, needsAction });
      const latest = maxTransactionId(db);
      if (latest > lastTransactionId) {
        const added = (
          db.prepare('SELECT count(*) AS n FROM transactions WHERE id > ?').get(lastTransactionId) as { n: number }
        ).n;
        lastTransactionId = latest;
        events.publish('ledger.changed', { added, latestId: latest });
      }
      const balances = db
        .prepare(
          `SELECT count(*) AS n FROM inbox WHERE id IN (SELECT value FROM json_each(?)) AND kind = 'balance-result' AND applied = 1`,
        )
        .get(JSON.stringify(ids)) as { n: number };
      if (balances.n > 0) events.publish('balance.changed', latestFloat(db));
    } catch (error) {
      log.error({ err: error }, 'could not publish inbox events');
    }
  });

  // The chain is checked after the profile opens; a page already showing the Dashboard hears of a break.
  let wired = true;
  void core.audit.done.then((alarm) => {
    if (wired && alarm !== null) events.publish('audit.alarm', alarm);
  });

  return () => {
    wired = false;
    stopProgress();
    stopInbox();
  };
}
