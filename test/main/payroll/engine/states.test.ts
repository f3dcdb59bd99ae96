// The attempt state machine table matches docs/money-safety.md#the-attempt-states, and the schema keeps final states final.
import { describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../../src/main/db';
import { attemptTransitions, openAttemptStates } from '../../../../src/main/payroll/engine/attempts';
import { tempFolder } from '../../db/temp-folder';

const folder = tempFolder('mshahara-states-');

describe('payout attempt states', () => {
  it('lets only unsettled attempts move, and never re-opens a settled one', () => {
    expect(openAttemptStates).toEqual(['created', 'sending', 'accepted', 'unknown']);
    for (const final of ['succeeded', 'failed', 'rejected'] as const) expect(attemptTransitions[final]).toEqual([]);
    // Unknown is never "failed by default": it settles by evidence or goes back to be re-sent as itself.
    expect(attemptTransitions.unknown).toEqual(['succeeded', 'failed', 'created']);
    expect(attemptTransitions.unknown).not.toContain('rejected');
  });

  it('the schema refuses to move a settled attempt, whatever the code says', () => {
    const db = openDatabase(folder.path('states.sqlite'));
    try {
      db.exec(
        `INSERT INTO payroll_runs (id, title, state, approved_at) VALUES (1, 'Run', 'running', '2026-11-21T00:00:00.000Z')`,
      );
      db.exec(
        `INSERT INTO payroll_items (id, run_id, name, phone, amount_cents, state) VALUES (1, 1, 'Jane', '254712345678', 100000, 'paid')`,
      );
      db.exec(`INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id, state, receipt)
               VALUES (1, 1, 'MSH-1', '254712345678', 100000, 'SalaryPayment', 'succeeded', 'TKL0000001')`);
      for (const target of ['created', 'sending', 'unknown', 'failed']) {
        expect(() => db.prepare('UPDATE payout_attempts SET state = ? WHERE id = 1').run(target)).toThrow(/final/);
      }
      expect(() =>
        db.prepare(`UPDATE payout_attempts SET originator_conversation_id = 'MSH-2' WHERE id = 1`).run(),
      ).toThrow(/keeps its OriginatorConversationID/);
      expect(() => db.prepare(`UPDATE payroll_items SET state = 'queued' WHERE id = 1`).run()).toThrow(
        /cannot change state/,
      );
    } finally {
      closeDatabase(db);
    }
  });
});
