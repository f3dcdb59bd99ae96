// The repeat rule on a real SQLite file: a payroll made into a run again is refused without "pay
// again" when an earlier run, in any state, came from the same file (at any age) or pays the same
// people the same amounts (within 30 days); a run cancelled before anything was sent does not count.
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { findEarlierPayrolls, PayrollPaidBeforeError } from '../../../src/main/payroll/duplicates';
import { previewCsv } from '../../../src/main/payroll/import';
import { createRunFromFile, listRunItems } from '../../../src/main/payroll/runs';
import { tempFolder } from '../db/temp-folder';
import { approveAsPolicyNeeds } from '../../helpers/people';

const temp = tempFolder('mshahara-earlier-');
const opened: ProfileDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) closeDatabase(db);
});
function freshDb(): ProfileDatabase {
  const db = openDatabase(temp.path(`earlier-${opened.length}.sqlite`));
  opened.push(db);
  return db;
}
const officer = { name: 'Amina Mwangi' };
const november = [
  'name,phone,amount,reference',
  'Wanjiku Kamau,0712 345 678,"25,000",November',
  'Baraka Mwita,0799 888 777,500,November',
].join('\n');
const sameSha = 'a'.repeat(64);

function fileRun(db: ProfileDatabase, csv: string, sha: string, options: { payAgain?: boolean; title?: string } = {}) {
  return createRunFromFile(
    db,
    {
      title: options.title ?? 'November',
      fileName: 'november.csv',
      fileSha256: sha,
      preview: previewCsv(csv, { duplicatesAgainstExisting: 'warn' }),
      ...options,
    },
    officer,
  );
}

function ageRun(db: ProfileDatabase, runId: number, days: number): void {
  db.prepare('UPDATE payroll_runs SET created_at = ? WHERE id = ?').run(
    new Date(Date.now() - days * 86_400_000).toISOString(),
    runId,
  );
}

describe('a payroll made into a run again', () => {
  it('is refused while an earlier draft of the same file exists, and made with payAgain, audited', () => {
    const db = freshDb();
    const first = fileRun(db, november, sameSha);
    let refusal: unknown;
    try {
      fileRun(db, november, sameSha);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(PayrollPaidBeforeError);
    expect(
      (refusal as PayrollPaidBeforeError).earlier.map((e) => [e.runId, e.state, e.match, e.unsettledCount]),
    ).toEqual([[first.id, 'draft', 'same_file', 2]]);
    expect(db.prepare('SELECT count(*) AS n FROM payroll_runs').get()).toEqual({ n: 1 });

    const again = fileRun(db, november, sameSha, { payAgain: true, title: 'November bonus' });
    const audit = db
      .prepare(`SELECT details FROM audit_log WHERE action = 'payroll_run.created' AND entity_id = ?`)
      .get(String(again.id)) as { details: string };
    expect(JSON.parse(audit.details)).toMatchObject({
      paidAgainAfter: [{ runId: first.id, state: 'draft', match: 'same_file' }],
    });
  });

  it('counts the same file at any age, the same people and amounts only within 30 days', async () => {
    const db = freshDb();
    const old = fileRun(db, november, sameSha);
    await approveAsPolicyNeeds(db, old.id);
    ageRun(db, old.id, 200);
    const people = listRunItems(db, old.id).map((i) => ({ phone: i.phone, amountCents: i.amountCents }));
    expect(findEarlierPayrolls(db, { fileSha256: sameSha, people }).map((e) => e.match)).toEqual(['same_file']);
    // Other bytes, same pay: counted when recent, not after 30 days.
    expect(findEarlierPayrolls(db, { fileSha256: 'b'.repeat(64), people })).toEqual([]);
    ageRun(db, old.id, 29);
    expect(findEarlierPayrolls(db, { fileSha256: 'b'.repeat(64), people }).map((e) => [e.runId, e.match])).toEqual([
      [old.id, 'same_people'],
    ]);
    // One amount different, or one person fewer: not the same payroll (the per-person warning covers it).
    expect(
      findEarlierPayrolls(db, {
        fileSha256: 'b'.repeat(64),
        people: [people[0]!, { ...people[1]!, amountCents: people[1]!.amountCents + 100 }],
      }),
    ).toEqual([]);
    expect(findEarlierPayrolls(db, { fileSha256: 'b'.repeat(64), people: [people[0]!] })).toEqual([]);
  });

  it('does not count a run cancelled before anything was sent', () => {
    const db = freshDb();
    const first = fileRun(db, november, sameSha);
    db.prepare("UPDATE payroll_runs SET state = 'cancelled' WHERE id = ?").run(first.id);
    expect(findEarlierPayrolls(db, { fileSha256: sameSha, people: [] })).toEqual([]);
    expect(() => fileRun(db, november, sameSha)).not.toThrow();
  });
});
