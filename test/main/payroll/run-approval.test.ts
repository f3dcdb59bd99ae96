// Duplicate warnings are acknowledged one by one: the approver ticks each possible double payment
// the run shows, an approval missing any is refused naming how many and which, and the
// acknowledgements are recorded with the approval in the audit log.
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { findDuplicatePayments } from '../../../src/main/payroll/duplicates';
import { approveRun } from '../../../src/main/payroll/run-approval';
import { createRunFromWorkers, getRun } from '../../../src/main/payroll/runs';
import { addWorker } from '../../../src/main/payroll/workers';
import { ValidationError } from '../../../src/shared/errors';
import { tempFolder } from '../db/temp-folder';
import { seedPeople, type TestPeople } from '../../helpers/people';

const temp = tempFolder();
const opened: ProfileDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) closeDatabase(db);
});

/** `count` workers, all paid KES 10,000 in October's run; November's draft pays them the same. */
async function repeatedPay(count: number): Promise<{ db: ProfileDatabase; people: TestPeople; runId: number }> {
  const db = openDatabase(temp.path(`ack-${opened.length}.sqlite`));
  opened.push(db);
  const people = await seedPeople(db);
  const workers = Array.from({ length: count }, (_, i) =>
    addWorker(
      db,
      {
        name: `Worker ${String(i + 1).padStart(2, '0')}`,
        phone: `07120000${String(i).padStart(2, '0')}`,
        defaultAmountCents: 1_000_000,
      },
      'amina',
    ),
  );
  const pick = workers.map((w) => ({ workerId: w.id }));
  createRunFromWorkers(db, { title: 'October 2026 salaries', workers: pick }, people.officer);
  const runId = createRunFromWorkers(db, { title: 'November 2026 salaries', workers: pick }, people.officer).id;
  return { db, people, runId };
}

function refusal(work: () => unknown): ValidationError {
  try {
    work();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const approvals = (db: ProfileDatabase) => db.prepare('SELECT count(*) FROM run_approvals').pluck().get();

describe('acknowledging duplicate warnings', () => {
  it('takes 31 acknowledgements for 31 warnings: 30 are refused, naming the one left', async () => {
    const { db, people, runId } = await repeatedPay(31);
    const warnings = findDuplicatePayments(db, runId);
    expect(warnings).toHaveLength(31);
    expect(new Set(warnings.map((w) => w.key)).size).toBe(31);

    const none = refusal(() => approveRun(db, runId, people.approver));
    expect(none.code).toBe('warnings_not_acknowledged');
    expect(none.message).toMatch(/^31 possible double payments of 31 are not acknowledged: Worker 01 /);
    expect(none.message).toContain('and 28 more');

    const left = warnings[17]!;
    const thirty = refusal(() =>
      approveRun(
        db,
        runId,
        people.approver,
        warnings.filter((w) => w !== left).map((w) => w.key),
      ),
    );
    expect(thirty.message).toMatch(/^1 possible double payment of 31 is not acknowledged: Worker 18 /);
    expect(approvals(db)).toBe(0);
    expect(getRun(db, runId).state).toBe('draft');

    const outcome = approveRun(
      db,
      runId,
      people.approver,
      warnings.map((w) => w.key),
    );
    expect(outcome.run.state).toBe('approved');
    const audit = db
      .prepare("SELECT actor, details FROM audit_log WHERE action = 'payroll_run.approval_recorded' AND entity_id = ?")
      .get(String(runId)) as { actor: string; details: string };
    expect(audit.actor).toBe('baraka');
    const recorded = (JSON.parse(audit.details) as { acknowledgedWarnings: Array<{ key: string; message: string }> })
      .acknowledgedWarnings;
    expect(recorded.map((w) => w.key)).toEqual(warnings.map((w) => w.key));
    expect(recorded[0]!.message).toContain('also gets KES 10,000.00 in run #1');
  });

  it('does not take a key that names another warning, or an acknowledgement made before the line changed', async () => {
    const { db, people, runId } = await repeatedPay(1);
    expect(() => approveRun(db, runId, people.approver, ['1:2:254712000000:1000000'])).toThrow(/not acknowledged/);
    const [warning] = findDuplicatePayments(db, runId);
    // The person's number changed in both runs after the approver read the warning: another warning.
    // (On the worker too: a line whose worker now has another number is held for that reason first.)
    db.prepare("UPDATE payroll_items SET phone = '254712999999' WHERE run_id IN (1, ?)").run(runId);
    db.prepare("UPDATE workers SET phone = '254712999999' WHERE phone = '254712000000'").run();
    const now = findDuplicatePayments(db, runId);
    expect(now).toHaveLength(1);
    expect(now[0]!.key).not.toBe(warning!.key);
    expect(() => approveRun(db, runId, people.approver, [warning!.key])).toThrow(/1 possible double payment of 1/);
  });

  it('approves a run with no warnings with no acknowledgement', async () => {
    const { db, people } = await repeatedPay(1);
    const other = addWorker(db, { name: 'Kiprop Langat', phone: '0110123456', defaultAmountCents: 900_000 }, 'amina');
    const fresh = createRunFromWorkers(db, { title: 'Casuals', workers: [{ workerId: other.id }] }, people.officer);
    expect(approveRun(db, fresh.id, people.approver).run.state).toBe('approved');
  });
});
