// A new M-Pesa number through the contract, with the callers signed in as real accounts: the
// officer changes it, the run made from that worker is refused, the officer cannot approve it,
// an approver does, and the worker's history tells each step with before and after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '../../../src/shared/contract';
import { callContract } from '../../../src/main/transports/dispatch';
import { seedPeople, type TestPeople, type TestPerson } from '../../helpers/people';
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

/** A call as `person`, through the same dispatcher the transports use (roles checked). */
async function as<M extends MethodName>(
  person: TestPerson,
  method: M,
  input: MethodInput<M>,
): Promise<{ ok: true; value: MethodOutput<M> } | { ok: false; error: { kind: string; message: string } }> {
  return (await callContract(t.api.handlers, method, input, person)) as never;
}

async function value<M extends MethodName>(person: TestPerson, method: M, input: MethodInput<M>) {
  const result = await as(person, method, input);
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value;
}

describe('a new M-Pesa number through the contract', () => {
  it('is approved by an approver other than the officer who changed it, and the history says so', async () => {
    const { officer, approver, auditor, admin } = people;
    const worker = await value(officer, 'workers.add', {
      name: 'Wairimu Njoroge',
      phone: '0745 111 222',
      defaultAmountCents: 18_000_00,
    });
    const edited = await value(officer, 'workers.edit', { id: worker.id, changes: { phone: '0745 333 444' } });
    expect(edited.phone).toBe('254745333444');
    expect(edited.pendingPhoneChange).toMatchObject({ oldPhone: '254745111222', newPhone: '254745333444' });
    const listed = await value(officer, 'workers.list', { search: 'Wairimu' });
    expect(listed.workers[0]?.pendingPhoneChange?.changedBy).toBe('amina');

    const run = await as(officer, 'runs.createFromWorkers', {
      title: 'December wages',
      workers: [{ workerId: worker.id }],
    });
    expect(run).toMatchObject({
      ok: false,
      error: { kind: 'conflict', message: expect.stringContaining('Wairimu Njoroge') },
    });

    const { changes } = await value(approver, 'workers.phoneChanges', {});
    const change = changes.find((c) => c.workerId === worker.id)!;
    expect(change).toMatchObject({ changedByName: 'Amina Odhiambo', status: 'pending' });
    // The officer may not decide it (role), nor the admin; the auditor only reads.
    for (const person of [officer, admin, auditor])
      expect(await as(person, 'workers.approvePhoneChange', { changeId: change.id })).toMatchObject({
        ok: false,
        error: { kind: 'forbidden' },
      });
    expect((await value(auditor, 'workers.phoneChanges', {})).changes.map((c) => c.id)).toContain(change.id);

    expect(await value(approver, 'workers.approvePhoneChange', { changeId: change.id })).toMatchObject({
      status: 'approved',
      decidedBy: 'baraka',
    });
    expect((await value(officer, 'workers.list', { search: 'Wairimu' })).workers[0]?.pendingPhoneChange).toBeNull();
    const made = await value(officer, 'runs.createFromWorkers', {
      title: 'December wages',
      workers: [{ workerId: worker.id }],
    });
    expect(made.totals.amountCents).toBe(18_000_00);

    const { entries } = await value(approver, 'workers.history', { id: worker.id });
    expect(entries.map((e) => [e.kind, e.actor, e.changes.find((c) => c.field === 'phone')])).toEqual([
      ['phone_change_approved', 'baraka', { field: 'phone', before: '254745111222', after: '254745333444' }],
      ['phone_change_requested', 'amina', { field: 'phone', before: '254745111222', after: '254745333444' }],
      ['edited', 'amina', { field: 'phone', before: '254745111222', after: '254745333444' }],
      ['added', 'amina', { field: 'phone', before: null, after: '254745111222' }],
    ]);
    expect(entries[0]?.actorName).toBe('Baraka Mwangi');
    expect(await as(people.accountant, 'workers.history', { id: worker.id })).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });
  });

  it('refuses the person who changed the number though they hold the approver role, and a rejection restores it', async () => {
    const both = { ...people.officer, roles: ['payroll-officer', 'approver'] as TestPerson['roles'] };
    const db = t.api.session.require().db;
    db.prepare("INSERT INTO account_roles (account_id, role) VALUES (?, 'approver')").run(both.accountId);
    const worker = await value(both, 'workers.add', { name: 'Mutua Kilonzo', phone: '0746 111 222' });
    await value(both, 'workers.edit', { id: worker.id, changes: { phone: '0746 999 888' } });
    const change = (await value(both, 'workers.phoneChanges', {})).changes.find((c) => c.workerId === worker.id)!;

    const own = await as(both, 'workers.approvePhoneChange', { changeId: change.id });
    expect(own).toMatchObject({
      ok: false,
      error: { kind: 'conflict', message: expect.stringContaining('amina changed Mutua Kilonzo') },
    });
    expect(await value(people.secondApprover, 'workers.rejectPhoneChange', { changeId: change.id })).toMatchObject({
      status: 'rejected',
    });
    const after = (await value(both, 'workers.list', { search: 'Mutua Kilonzo' })).workers[0];
    expect(after).toMatchObject({ phone: '254746111222', pendingPhoneChange: null });
    const history = await value(people.auditor, 'workers.history', { id: worker.id });
    expect(history.entries[0]).toMatchObject({
      kind: 'phone_change_rejected',
      actor: 'neema',
      changes: [{ field: 'phone', before: '254746111222', after: '254746999888' }],
    });
  });
});
