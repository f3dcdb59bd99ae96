// The state tables drive the code: every step that moves an attempt, a line or a run is tried from
// every state, and must change the row exactly when its table allows that move (and from no other).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../../src/main/db';
import {
  attemptTransitions,
  backToCreated,
  failItem,
  markAccepted,
  markRejected,
  markSending,
  markUnknown,
  type AttemptState,
} from '../../../../src/main/payroll/engine/attempts';
import {
  approveRetry,
  beginRun,
  cancelRun,
  completeIfDone,
  pauseRun,
  resumeRun,
} from '../../../../src/main/payroll/engine/run-control';
import { itemStates, runStates, type ItemState, type RunState } from '../../../../src/main/payroll/status';
import { itemTransitions, runTransitions } from '../../../../src/main/payroll/transitions';
import { tempFolder } from '../../db/temp-folder';
import { recordSignOff } from '../../../helpers/people';

const folder = tempFolder('mshahara-guards-');
const now = '2026-11-21T10:00:00.000Z';
const attemptStates = Object.keys(attemptTransitions) as AttemptState[];

let db: ProfileDatabase;
beforeEach(() => {
  db = openDatabase(folder.path('guards.sqlite'));
});
afterEach(() => closeDatabase(db));

/** A run with one line and (optionally) one attempt, each in the state given. Returns their ids. */
function seed(
  run: RunState,
  item: ItemState,
  attempt?: AttemptState,
): { runId: number; itemId: number; attemptId: number } {
  const runId = Number(
    db.prepare(`INSERT INTO payroll_runs (title, state, approved_at) VALUES ('November', ?, ?)`).run(run, now)
      .lastInsertRowid,
  );
  const itemId = Number(
    db
      .prepare(
        `INSERT INTO payroll_items (run_id, name, phone, amount_cents, state) VALUES (?, 'Grace Wanjiku', '254712345678', 150000, ?)`,
      )
      .run(runId, item).lastInsertRowid,
  );
  // A maker and an approval on record, so starting and resuming meet the approval check.
  recordSignOff(db, runId);
  const attemptId =
    attempt === undefined
      ? 0
      : Number(
          db
            .prepare(
              `INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id, state, receipt)
               VALUES (?, 1, ?, '254712345678', 150000, 'SalaryPayment', ?, ?)`,
            )
            .run(itemId, `MSH-${runId}-${itemId}`, attempt, attempt === 'succeeded' ? `TKL${runId}` : null)
            .lastInsertRowid,
        );
  return { runId, itemId, attemptId };
}

const stateOf = (table: string, id: number): string =>
  (db.prepare(`SELECT state FROM ${table} WHERE id = ?`).get(id) as { state: string }).state;

describe('payout attempts move only as the table allows', () => {
  const steps: Array<{ name: string; target: AttemptState; run: (id: number) => void }> = [
    { name: 'markSending', target: 'sending', run: (id) => markSending(db, id, now) },
    { name: 'markAccepted', target: 'accepted', run: (id) => markAccepted(db, id, `AG_${id}`, now) },
    { name: 'markRejected', target: 'rejected', run: (id) => markRejected(db, id, '2001', 'Invalid initiator', now) },
    // Given every state as a possible start, the table alone decides.
    { name: 'markUnknown', target: 'unknown', run: (id) => markUnknown(db, id, 'no answer', now, attemptStates) },
    { name: 'backToCreated', target: 'created', run: (id) => backToCreated(db, id, 'throttled', now, attemptStates) },
  ];
  for (const step of steps) {
    it(`${step.name} moves an attempt to ${step.target} from exactly the states the table lists`, () => {
      for (const from of attemptStates) {
        const { attemptId } = seed('running', 'paying', from);
        step.run(attemptId);
        const allowed = attemptTransitions[from].includes(step.target);
        expect({ from, state: stateOf('payout_attempts', attemptId) }).toEqual({
          from,
          state: allowed ? step.target : from,
        });
      }
    });
  }

  it('a narrower step (the default of markUnknown: only from sending) never widens what the table allows', () => {
    for (const from of attemptStates) {
      const { attemptId } = seed('running', 'paying', from);
      markUnknown(db, attemptId, 'no answer', now);
      const allowed = from === 'sending' && attemptTransitions[from].includes('unknown');
      expect({ from, state: stateOf('payout_attempts', attemptId) }).toEqual({
        from,
        state: allowed ? 'unknown' : from,
      });
    }
  });
});

describe('lines of a run move only as the table allows', () => {
  it('failItem fails a line from queued or paying, as the table allows', () => {
    for (const from of itemStates) {
      const { itemId, attemptId } = seed('running', from, 'sending');
      failItem(db, attemptId, now);
      const allowed = ['paying', 'queued'].includes(from) && itemTransitions[from].includes('failed');
      expect({ from, state: stateOf('payroll_items', itemId) }).toEqual({ from, state: allowed ? 'failed' : from });
    }
  });
});

describe('payroll runs move only as the table allows', () => {
  const steps: Array<{ name: string; target: RunState; from: readonly RunState[]; run: (id: number) => void }> = [
    { name: 'beginRun', target: 'running', from: ['approved'], run: (id) => beginRun(db, id, 'Amina', now) },
    { name: 'pauseRun', target: 'paused', from: runStates, run: (id) => pauseRun(db, id, 'Amina') },
    { name: 'resumeRun', target: 'running', from: ['paused'], run: (id) => resumeRun(db, id, 'Amina') },
    { name: 'cancelRun', target: 'cancelled', from: runStates, run: (id) => cancelRun(db, id, 'Amina', now) },
    { name: 'completeIfDone', target: 'completed', from: ['running'], run: (id) => completeIfDone(db, id, now) },
  ];
  for (const step of steps) {
    it(`${step.name} moves a run to ${step.target} from exactly the states the table lists`, () => {
      for (const from of runStates) {
        // A settled line, so a run with nothing open may complete.
        const { runId } = seed(from, 'paid');
        try {
          step.run(runId);
        } catch {
          // Refused with a message before the update: the row must be unchanged, checked below.
        }
        const allowed = step.from.includes(from) && runTransitions[from].includes(step.target);
        expect({ from, state: stateOf('payroll_runs', runId) }).toEqual({ from, state: allowed ? step.target : from });
      }
    });
  }

  it('an approved retry queues failed lines again and takes a completed run back to running', () => {
    for (const from of runStates) {
      const { runId, itemId } = seed(from, 'failed', 'failed');
      try {
        approveRetry(db, runId, 'Amina', now);
      } catch {
        // Refused before any update.
      }
      const reopened = from === 'completed' && runTransitions.completed.includes('running');
      expect({ from, run: stateOf('payroll_runs', runId) }).toEqual({ from, run: reopened ? 'running' : from });
      const started = ['running', 'paused', 'completed'].includes(from);
      expect({ from, item: stateOf('payroll_items', itemId) }).toEqual({
        from,
        item: started && itemTransitions.failed.includes('queued') ? 'queued' : 'failed',
      });
    }
  });
});
