// What changed since these people were last paid, line by line: someone never paid before, a
// worker paid on a new number, a number paid under another name, a name found on a new number,
// and a different amount; and the approver's review over the contract, paged, with the approval
// state in words and what the person looking may do.
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { saveApprovalPolicy } from '../../../src/main/payroll/approval-policy';
import { previewCsv } from '../../../src/main/payroll/import';
import { countChanges, runChanges } from '../../../src/main/payroll/run-changes';
import { approveRun } from '../../../src/main/payroll/run-approval';
import { createRunFromFile, createRunFromWorkers, listRunItems } from '../../../src/main/payroll/runs';
import { addWorker } from '../../../src/main/payroll/workers';
import { tempFolder } from '../db/temp-folder';
import { reviewApi } from '../handlers/review-api';
import { seedPeople, type TestPeople } from '../../helpers/people';

const temp = tempFolder();
const opened: ProfileDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) closeDatabase(db);
});

interface Scene {
  db: ProfileDatabase;
  people: TestPeople;
  october: number;
  november: number;
}

/**
 * October paid Wanjiku (worker) KES 25,000, Akinyi (worker) KES 18,500 on 0722 000 111, and
 * Otieno Ouma (a file line) KES 10,000 on 0791 000 222. November: Wanjiku KES 26,000, Akinyi
 * on her new number 0722 999 888, "OTIENO OUMA" on 0700 123 456, Njeri Mwangi on Otieno's old
 * number, and Kiprop, paid for the first time.
 */
async function scene(wanjikuInOctober: 'paid' | 'failed' = 'paid'): Promise<Scene> {
  const db = openDatabase(temp.path(`changes-${opened.length}.sqlite`));
  opened.push(db);
  const people = await seedPeople(db);
  const wanjiku = addWorker(db, { name: 'Wanjiku Kamau', phone: '0712345678', defaultAmountCents: 2_500_000 }, 'amina');
  const akinyi = addWorker(db, { name: 'Akinyi Njeri', phone: '0722000111', defaultAmountCents: 1_850_000 }, 'amina');
  const october = createRunFromWorkers(
    db,
    { title: 'October 2026 salaries', workers: [{ workerId: wanjiku.id }, { workerId: akinyi.id }] },
    people.officer,
  ).id;
  db.prepare(
    "INSERT INTO payroll_items (run_id, worker_id, line_number, name, phone, amount_cents) VALUES (?, NULL, 3, 'Otieno Ouma', '254791000222', 1000000)",
  ).run(october);
  db.prepare(
    "UPDATE payroll_items SET state = CASE WHEN name = 'Wanjiku Kamau' THEN ? ELSE 'paid' END WHERE run_id = ?",
  ).run(wanjikuInOctober, october);
  db.prepare("UPDATE payroll_runs SET state = 'completed', approved_at = created_at WHERE id = ?").run(october);
  // Akinyi's number changed on her worker record since October.
  db.prepare("UPDATE workers SET phone = '254722999888' WHERE id = ?").run(akinyi.id);
  const csv = [
    'name,phone,amount,reference',
    'Wanjiku Kamau,0712345678,26000,November pay',
    'Akinyi Njeri,0722999888,18500,November pay',
    'OTIENO OUMA,0700123456,10000,November pay',
    'Njeri Mwangi,0791000222,10000,November pay',
    'Kiprop Langat,0110123456,9000,November pay',
  ].join('\n');
  const november = createRunFromFile(
    db,
    {
      title: 'November 2026 salaries',
      fileName: 'november.csv',
      preview: previewCsv(csv, { duplicatesAgainstExisting: 'warn' }),
      payAgain: true,
    },
    people.officer,
  ).id;
  return { db, people, october, november };
}

describe('changes since the last paid run', () => {
  it('finds new people, changed numbers, names and amounts, each against the person’s last paid line', async () => {
    const { db, november, october } = await scene();
    const changes = runChanges(db, november);
    const byName = new Map(
      listRunItems(db, november).map((item) => [item.name, changes.find((c) => c.itemId === item.id)!]),
    );
    expect(byName.get('Wanjiku Kamau')).toMatchObject({
      kind: 'changed',
      amountChanged: true,
      phoneChanged: false,
      lastPaid: { runId: october, amountCents: 2_500_000, matchedBy: 'worker' },
    });
    expect(byName.get('Akinyi Njeri')).toMatchObject({
      kind: 'changed',
      phoneChanged: true,
      amountChanged: false,
      lastPaid: { phone: '254722000111', matchedBy: 'worker' },
    });
    expect(byName.get('OTIENO OUMA')).toMatchObject({
      kind: 'changed',
      phoneChanged: true,
      lastPaid: { name: 'Otieno Ouma', phone: '254791000222', matchedBy: 'name' },
    });
    expect(byName.get('Njeri Mwangi')).toMatchObject({
      kind: 'changed',
      nameChanged: true,
      phoneChanged: false,
      lastPaid: { name: 'Otieno Ouma', matchedBy: 'phone' },
    });
    expect(byName.get('Kiprop Langat')).toMatchObject({ kind: 'new', lastPaid: null });
    expect(countChanges(changes)).toEqual({
      newPeople: 1,
      phoneChanged: 2,
      nameChanged: 1,
      amountChanged: 1,
      unchanged: 0,
    });
  });

  it('compares only with lines that were paid: a line that failed or was cancelled paid nobody', async () => {
    const { db, november } = await scene('failed');
    const wanjiku = listRunItems(db, november).find((i) => i.name === 'Wanjiku Kamau')!;
    expect(runChanges(db, november).find((c) => c.itemId === wanjiku.id)).toMatchObject({ kind: 'new' });
  });
});

describe('the approver’s review over the contract', () => {
  it('pages every line, shows the changed ones alone, and says who approved and who is still needed', async () => {
    const { db, people, november } = await scene();
    saveApprovalPolicy(db, { people: 3 }, people.admin.username);
    const api = reviewApi(db);

    const page = await api.call(
      'runs.review',
      { runId: november, lines: { show: 'all', limit: 2, offset: 1 } },
      people.approver,
    );
    expect(page.lines.total).toBe(5);
    expect(page.lines.items.map((l) => [l.name, l.change])).toEqual([
      ['Akinyi Njeri', 'changed'],
      ['OTIENO OUMA', 'changed'],
    ]);
    expect(page.lines.items[0]).toMatchObject({ phone: '254722999888', amountCents: 1_850_000, phoneChanged: true });
    expect(page.changeCounts).toMatchObject({ newPeople: 1, phoneChanged: 2 });
    expect(page.approval).toMatchObject({
      policyWords: 'the maker and two approvers',
      singlePerson: false,
      maker: { username: 'amina', displayName: 'Amina Odhiambo' },
      summary: 'Not approved yet; needs two more approvers other than Amina Odhiambo',
      canSend: false,
    });
    expect(page.viewer).toMatchObject({ isMaker: false, mayApprove: true, mayEdit: false, mayAskRetry: false });

    expect(page.duplicateWarnings.map((w) => w.name)).toEqual(['Njeri Mwangi']);
    approveRun(
      db,
      november,
      people.approver,
      page.duplicateWarnings.map((w) => w.key),
      new Date('2026-11-28T11:02:00Z'),
    );
    const after = await api.call('runs.review', { runId: november }, people.officer);
    expect(after.approval.summary).toBe(
      'Approved by Baraka Mwangi at 28 Nov 2026, 14:02; needs one more approver other than Amina Odhiambo',
    );
    expect(after.approval.approvals).toEqual([
      expect.objectContaining({ username: 'baraka', counts: true, voidedAt: null }),
    ]);
    expect(after.viewer).toMatchObject({ isMaker: true, mayApprove: false, mayEdit: true, mayAskRetry: true });
    const same = await api.call('runs.review', { runId: november }, people.approver);
    expect(same.viewer.mayApprove).toBe(false); // already approved as it is

    // The maker changes a line: the approval is voided, and the review says why.
    const line = after.lines.items.find((l) => l.name === 'Kiprop Langat')!;
    await api.call('runs.editLine', { itemId: line.itemId, changes: { amountCents: 1_000_000 } }, people.officer);
    const edited = await api.call(
      'runs.review',
      { runId: november, lines: { show: 'changed', limit: 10, offset: 0 } },
      people.secondApprover,
    );
    expect(edited.approval.summary).toBe(
      'Not approved yet; needs two more approvers other than Amina Odhiambo; 1 earlier approval was voided because the run changed after it',
    );
    expect(edited.approval.approvals[0]).toMatchObject({
      counts: false,
      voidReason: expect.stringMatching(/KES 43,500|became/),
    });
    expect(edited.lines.total).toBe(5);
  });

  it('shows only the new and changed lines when asked, leaving out those paid the same as before', async () => {
    const { db, people } = await scene();
    const workerIds = db.prepare('SELECT id FROM workers ORDER BY id').pluck().all() as number[];
    const december = createRunFromWorkers(
      db,
      { title: 'December 2026 salaries', workers: workerIds.map((workerId) => ({ workerId })) },
      people.officer,
    ).id;
    const api = reviewApi(db);
    const all = await api.call('runs.review', { runId: december }, people.approver);
    expect(all.lines.items.map((l) => [l.name, l.change])).toEqual([
      ['Wanjiku Kamau', 'same'],
      ['Akinyi Njeri', 'changed'],
    ]);
    const changed = await api.call(
      'runs.review',
      { runId: december, lines: { show: 'changed', limit: 10, offset: 0 } },
      people.approver,
    );
    expect(changed.lines).toMatchObject({ total: 1, items: [{ name: 'Akinyi Njeri', phoneChanged: true }] });
    expect(changed.changeCounts).toMatchObject({ unchanged: 1, phoneChanged: 1, newPeople: 0 });
  });

  it('names single person when the admin chose it', async () => {
    const { db, people, november } = await scene();
    saveApprovalPolicy(db, { people: 1 }, people.admin.username);
    const review = await reviewApi(db).call('runs.review', { runId: november }, people.officer);
    expect(review.approval.singlePerson).toBe(true);
    expect(review.approval.policyWords).toContain('single person');
    expect(review.approval.summary).toBe(
      'Not approved yet; needs the approval of Amina Odhiambo, who prepared it (single person)',
    );
  });
});
