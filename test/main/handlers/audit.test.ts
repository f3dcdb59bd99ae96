// The audit view through the contract: what people did through other methods is listed with who
// and what in words; only the auditor and the admin may read, export or check it; a row tampered
// with in SQLite is named by id in audit.verify; the export carries the rows and no secret.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName } from '../../../src/shared/contract';
import { callContract } from '../../../src/main/transports/dispatch';
import { seedPeople, testPassword, type TestPeople, type TestPerson } from '../../helpers/people';
import { testApi, type TestApi } from './helpers';

let t: TestApi;
let people: TestPeople;

beforeAll(async () => {
  t = await testApi({ balanceOnOpen: false });
  await t.call('profiles.create', { kind: 'demo' });
  people = await seedPeople(t.api.session.require().db);
});
afterAll(async () => {
  await t?.stop();
});

async function as<M extends MethodName>(person: TestPerson, method: M, input: unknown) {
  return callContract(t.api.handlers, method, input, person);
}

async function value<T>(result: Promise<{ ok: boolean; value?: unknown; error?: unknown }>): Promise<T> {
  const answer = await result;
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.value as T;
}

describe('audit methods', () => {
  it('lists what the officer did, with their name and the before → after of an edit', async () => {
    const added = await value<{ id: number }>(
      as(people.officer, 'workers.add', { name: 'Wambũi Njoroge', phone: '0712345678' }),
    );
    await value(as(people.officer, 'workers.edit', { id: added.id, changes: { phone: '0799888777' } }));
    const listed = await value<{
      entries: { actor: string; actorName: string | null; words: string; changes: unknown[] }[];
      total: number;
      actors: { actor: string }[];
    }>(as(people.auditor, 'audit.list', { filter: { actor: 'amina', entity: 'worker' } }));
    expect(listed.total).toBe(3);
    expect(listed.entries.map((e) => [e.actor, e.actorName, e.words])).toEqual([
      ['amina', 'Amina Odhiambo', `changed the M-Pesa number of worker #${added.id}, for an approver to approve`],
      ['amina', 'Amina Odhiambo', `edited worker #${added.id}`],
      ['amina', 'Amina Odhiambo', 'added the worker Wambũi Njoroge'],
    ]);
    expect(listed.entries[0]?.changes).toEqual([{ field: 'Phone', before: '0712 345 678', after: '0799 888 777' }]);
    expect(listed.entries[1]?.changes).toEqual([{ field: 'Phone', before: '0712 345 678', after: '0799 888 777' }]);
    expect(listed.actors.map((a) => a.actor)).toContain('amina');
  });

  it('lets the auditor and the admin in, and refuses everyone else naming the roles', async () => {
    for (const method of ['audit.list', 'audit.verify'] as const) {
      expect((await as(people.auditor, method, {})).ok).toBe(true);
      expect((await as(people.admin, method, {})).ok).toBe(true);
      for (const person of [people.officer, people.approver, people.accountant]) {
        const refused = await as(person, method, {});
        expect(refused).toMatchObject({ ok: false, error: { kind: 'forbidden', code: 'role_needed' } });
        expect(!refused.ok && refused.error.message).toMatch(/Admin or Auditor|Auditor or Admin|Admin, Auditor/);
      }
    }
    const refused = await as(people.accountant, 'audit.export', { format: 'csv' });
    expect(refused).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
  });

  it('exports the filtered entries as CSV, with no password in it', async () => {
    const file = await value<{ contentBase64: string; fileName: string; rows: number }>(
      as(people.auditor, 'audit.export', { filter: { actor: 'amina' }, format: 'csv' }),
    );
    expect(file.fileName).toMatch(/^mshahara-audit-log_.*\.csv$/);
    const text = Buffer.from(file.contentBase64, 'base64').toString('utf8');
    const rows = parse(text, { columns: true, bom: true }) as Record<string, string>[];
    expect(file.rows).toBe(rows.length);
    expect(rows.map((r) => r['What'])).toEqual([
      expect.stringMatching(/^changed the M-Pesa number of worker #/),
      expect.stringMatching(/^edited worker #/),
      'added the worker Wambũi Njoroge',
    ]);
    expect(rows[1]).toMatchObject({ Before: 'Phone: 0712 345 678', After: 'Phone: 0799 888 777' });
    expect(text).not.toContain(testPassword);
  });

  it('checks the chain on demand and names a row tampered with in SQLite', async () => {
    const ok = await value<{ ok: boolean; entries: number }>(as(people.admin, 'audit.verify', {}));
    expect(ok).toMatchObject({ ok: true });
    expect(ok.entries).toBeGreaterThanOrEqual(2);
    const db = t.api.session.require().db;
    const target = db.prepare("SELECT id, at FROM audit_log WHERE action = 'worker.added'").get() as {
      id: number;
      at: string;
    };
    db.exec('DROP TRIGGER audit_log_append_only_update');
    db.prepare('UPDATE audit_log SET details = ? WHERE id = ?').run(
      '{"name":"Someone Else","phone":"254700000001"}',
      target.id,
    );
    const broken = await value<Record<string, unknown>>(as(people.auditor, 'audit.verify', {}));
    expect(broken).toMatchObject({
      ok: false,
      entryId: target.id,
      at: target.at,
      problem: 'edited',
      words: 'added the worker Someone Else',
    });
    expect(broken.message).toContain(`entry ${target.id}`);
  });
});
