// The rules the 001 schema itself enforces, whatever code writes to it: append-only ledger and
// audit log, one live payout attempt per item, final states, and the money and phone formats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { tempFolder } from './temp-folder';

const temp = tempFolder();
let db: ProfileDatabase;
let itemSeq = 0;

beforeAll(() => {
  db = openDatabase(temp.path('schema.sqlite'));
  db.prepare(
    "INSERT INTO payroll_runs (id, title, state, approved_at) VALUES (1, 'November wages', 'running', '2026-11-28T07:00:00.000Z')",
  ).run();
});
afterAll(() => closeDatabase(db));

function newItem(): number {
  itemSeq += 1;
  const phone = `2547120000${String(itemSeq).padStart(2, '0')}`;
  return Number(
    db
      .prepare(
        "INSERT INTO payroll_items (run_id, name, phone, amount_cents, state) VALUES (1, 'Mary Njeri', ?, 250000, 'paying')",
      )
      .run(phone).lastInsertRowid,
  );
}

let oidSeq = 0;
function newAttempt(itemId: number, attemptNumber: number): number {
  oidSeq += 1;
  return Number(
    db
      .prepare(
        "INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id) SELECT id, ?, ?, phone, amount_cents, 'SalaryPayment' FROM payroll_items WHERE id = ?",
      )
      .run(attemptNumber, `msh-oid-${oidSeq}`, itemId).lastInsertRowid,
  );
}
const setAttempt = (id: number, state: string, receipt: string | null = null): void => {
  db.prepare('UPDATE payout_attempts SET state = ?, receipt = coalesce(?, receipt) WHERE id = ?').run(
    state,
    receipt,
    id,
  );
};
const attemptsOf = (itemId: number): { attempt_number: number; state: string }[] =>
  db
    .prepare('SELECT attempt_number, state FROM payout_attempts WHERE item_id = ? ORDER BY attempt_number')
    .all(itemId) as never;

describe('one live attempt per item', () => {
  it('refuses a second attempt while the first is live, in every live state', () => {
    for (const live of ['created', 'sending', 'accepted', 'unknown']) {
      const item = newItem();
      const first = newAttempt(item, 1);
      if (live !== 'created') setAttempt(first, 'sending');
      if (live === 'accepted' || live === 'unknown') setAttempt(first, live);
      expect(() => newAttempt(item, 2), live).toThrow(/UNIQUE constraint failed: payout_attempts.item_id/);
      expect(attemptsOf(item)).toEqual([{ attempt_number: 1, state: live }]);
    }
  });

  it('allows a new attempt once the first is definitively failed or rejected', () => {
    const item = newItem();
    const first = newAttempt(item, 1);
    setAttempt(first, 'sending');
    setAttempt(first, 'accepted');
    setAttempt(first, 'failed');
    const second = newAttempt(item, 2);
    setAttempt(second, 'sending');
    setAttempt(second, 'rejected');
    newAttempt(item, 3);
    expect(attemptsOf(item)).toEqual([
      { attempt_number: 1, state: 'failed' },
      { attempt_number: 2, state: 'rejected' },
      { attempt_number: 3, state: 'created' },
    ]);
  });

  it('refuses any attempt after one succeeded: the worker has been paid', () => {
    const item = newItem();
    const first = newAttempt(item, 1);
    setAttempt(first, 'succeeded', 'SG632NMUAB');
    expect(() => newAttempt(item, 2)).toThrow(/UNIQUE/);
  });

  it('keeps succeeded, failed and rejected final, and the OriginatorConversationID fixed', () => {
    const item = newItem();
    const first = newAttempt(item, 1);
    setAttempt(first, 'failed');
    expect(() => setAttempt(first, 'sending')).toThrow(/final/);
    const second = newAttempt(item, 2);
    setAttempt(second, 'succeeded', 'SH00000001');
    expect(() => setAttempt(second, 'failed')).toThrow(/final/);
    expect(() =>
      db.prepare("UPDATE payout_attempts SET originator_conversation_id = 'fresh' WHERE id = ?").run(second),
    ).toThrow(/keeps its OriginatorConversationID/);
    expect(() => db.prepare('UPDATE payout_attempts SET amount_cents = 100 WHERE id = ?').run(second)).toThrow(/keeps/);
    expect(() => db.prepare('DELETE FROM payout_attempts WHERE id = ?').run(second)).toThrow(/never deleted/);
    expect(() =>
      db.prepare("UPDATE payout_attempts SET state = 'succeeded' WHERE id = ?").run(newAttempt(newItem(), 1)),
    ).toThrow(/CHECK/); // no receipt
  });

  it('refuses reusing an OriginatorConversationID on another item', () => {
    const a = newItem();
    const b = newItem();
    db.prepare(
      "INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id) VALUES (?, 1, 'shared-oid', '254712000099', 250000, 'SalaryPayment')",
    ).run(a);
    expect(() =>
      db
        .prepare(
          "INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id) VALUES (?, 1, 'shared-oid', '254712000098', 250000, 'SalaryPayment')",
        )
        .run(b),
    ).toThrow(/UNIQUE constraint failed: payout_attempts.originator_conversation_id/);
  });
});

describe('the ledger is append-only', () => {
  const insertTx = (
    receipt: string | null,
    amountCents: number,
    correctsId: number | null = null,
    reason: string | null = null,
  ): number =>
    Number(
      db
        .prepare(
          "INSERT INTO transactions (receipt, occurred_at, direction, kind, status, amount_cents, phone, party_name, source, corrects_id, correction_reason) VALUES (?, '2026-11-28T07:01:02.000Z', 'out', 'b2c_payment', 'completed', ?, '254712345678', 'JUMA HAMISI', 'b2c_result', ?, ?)",
        )
        .run(receipt, amountCents, correctsId, reason).lastInsertRowid,
    );

  it('refuses UPDATE and DELETE of a ledger row, and leaves it as it was', () => {
    const id = insertTx('SK10000001', 1500000);
    expect(() => db.prepare('UPDATE transactions SET amount_cents = 1 WHERE id = ?').run(id)).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM transactions WHERE id = ?').run(id)).toThrow(/append-only/);
    expect(db.prepare('SELECT amount_cents FROM transactions WHERE id = ?').get(id)).toEqual({ amount_cents: 1500000 });
  });

  it('takes a correction as a new row pointing at the old one, once', () => {
    const original = insertTx('SK10000002', 1500000);
    const correction = insertTx('SK10000002', 1400000, original, 'M-Pesa statement shows KES 14,000');
    expect(() => insertTx('SK10000002', 1300000, original, 'second fix of the same row')).toThrow(/UNIQUE/);
    expect(() => insertTx('SK10000002', 1500000, null, null)).toThrow(/UNIQUE constraint failed: transactions.receipt/);
    expect(() => insertTx('SK10000003', 100, original, null)).toThrow(/CHECK/); // a correction says why
    const current = db
      .prepare(
        'SELECT id, amount_cents FROM transactions t WHERE receipt = ? AND NOT EXISTS (SELECT 1 FROM transactions c WHERE c.corrects_id = t.id)',
      )
      .all('SK10000002');
    expect(current).toEqual([{ id: correction, amount_cents: 1400000 }]);
  });
});

describe('the audit log is append-only', () => {
  it('refuses UPDATE and DELETE', () => {
    db.prepare(
      "INSERT INTO audit_log (at, actor, action, entity, details, prev_hash, hash) VALUES ('2026-11-28T07:00:00.000Z', 'owner', 'payroll_run.approved', 'payroll_run', '{}', ?, ?)",
    ).run('0'.repeat(64), 'a'.repeat(64));
    expect(() => db.prepare("UPDATE audit_log SET actor = 'someone else'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(db.prepare('SELECT actor FROM audit_log').all()).toEqual([{ actor: 'owner' }]);
  });
});

describe('formats and evidence', () => {
  it('refuses phones that are not 12-digit Kenyan MSISDNs and amounts that are not whole shillings', () => {
    const insert = db.prepare('INSERT INTO payroll_items (run_id, name, phone, amount_cents) VALUES (1, ?, ?, ?)');
    expect(() => insert.run('A', '0712345678', 100000)).toThrow(/CHECK/);
    expect(() => insert.run('A', '2547123456789', 100000)).toThrow(/CHECK/);
    expect(() => insert.run('A', '254812345678', 100000)).toThrow(/CHECK/);
    expect(() => insert.run('A', '254712999888', 100050)).toThrow(/CHECK/);
    expect(() => insert.run('A', '254712999888', 0)).toThrow(/CHECK/);
    // STRICT tables: a fraction of a cent is refused, not silently stored as REAL.
    expect(() => insert.run('A', '254712999888', 1000.5)).toThrow(/cannot store REAL value in INTEGER column/);
    expect(() => insert.run('A', '254712999888', 'KES 1,000')).toThrow(/cannot store TEXT value in INTEGER column/);
    insert.run('A', '254112999888', 100000);
    expect(() => insert.run('B', '254112999888', 200000)).toThrow(/UNIQUE/); // same number twice in one run
  });

  it('refuses unknown states', () => {
    expect(() => db.prepare("UPDATE payroll_items SET state = 'sent' WHERE run_id = 1").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO payroll_runs (title, state) VALUES ('x', 'done')").run()).toThrow(/CHECK/);
  });

  it('keeps each relay event once and never rewrites what arrived', () => {
    const store = db.prepare(
      "INSERT INTO inbox (event_id, received_at, source, kind, body) VALUES (?, '2026-11-28T07:01:03.000Z', 'relay:main', 'b2c-result', ?)",
    );
    const id = store.run('evt-1', '{"Result":{}}').lastInsertRowid;
    expect(() => store.run('evt-1', '{"Result":{}}')).toThrow(/UNIQUE constraint failed: inbox.event_id/);
    db.prepare(
      "UPDATE inbox SET applied = 1, reason = 'matched attempt 1', processed_at = '2026-11-28T07:01:04.000Z' WHERE id = ?",
    ).run(id);
    expect(() => db.prepare("UPDATE inbox SET body = '{}' WHERE id = ?").run(id)).toThrow(/keeps what arrived/);
    expect(() => db.prepare('DELETE FROM inbox WHERE id = ?').run(id)).toThrow(/never deleted/);
  });

  it('allows one owner', () => {
    db.prepare("INSERT INTO users (name, role) VALUES ('Amina', 'owner')").run();
    expect(() => db.prepare("INSERT INTO users (name, role) VALUES ('Baraka', 'owner')").run()).toThrow(/UNIQUE/);
    db.prepare("INSERT INTO users (name, role) VALUES ('Baraka', 'approver')").run();
  });
});
