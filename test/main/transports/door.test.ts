// Each door signs in on its own, and who is signed in is read again on every call: idle time,
// an account disabled or a role taken away count at once, and a first password must be replaced.
import { afterEach, describe, expect, it } from 'vitest';
import { callContract } from '../../../src/main/transports/dispatch';
import { Door } from '../../../src/main/transports/door';
import { signInDesk } from '../../../src/main/handlers/session';
import { disableAccount, setRoles, addAccount } from '../../../src/main/users/accounts';
import { testApi, type TestApi } from '../handlers/helpers';
import { testPassword } from '../../helpers/people';
import { TOTP, URI } from 'otpauth';
import { saveSignInPolicy } from '../../../src/main/users/policy';

let t: TestApi | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

async function demo(): Promise<TestApi> {
  t = await testApi({ balanceOnOpen: false });
  await t.call('profiles.create', { kind: 'demo' });
  await t.people();
  return t;
}

async function call(api: TestApi, door: Door, method: string, input: unknown = {}) {
  return callContract(api.api.handlers, method, input, door);
}

describe('a door', () => {
  it('answers as the person signed in on it, and only on it', async () => {
    const api = await demo();
    const window = api.api.newDoor();
    const page = api.api.newDoor();
    expect(await call(api, window, 'workers.list')).toMatchObject({ ok: false, error: { code: 'sign_in_needed' } });
    const signedIn = await call(api, window, 'session.signIn', { username: 'amina', password: testPassword });
    expect(signedIn).toMatchObject({ ok: true, value: { ok: true, session: { signedIn: { username: 'amina' } } } });
    expect(await call(api, window, 'workers.list')).toMatchObject({ ok: true });
    expect(await call(api, page, 'workers.list')).toMatchObject({ ok: false, error: { code: 'sign_in_needed' } });
    const wrong = await call(api, page, 'session.signIn', { username: 'amina', password: 'not it at all' });
    expect(wrong).toMatchObject({ ok: true, value: { ok: false, reason: 'wrong_credentials' } });
    expect(await call(api, page, 'workers.list')).toMatchObject({ ok: false });
  });

  it('locks after the idle time without a call, and says so', async () => {
    const api = await demo();
    let now = Date.parse('2026-12-01T08:00:00Z');
    const door = new Door(signInDesk(apiContextOf(api)), () => now);
    // Signed in through the desk's own sign-in path, as the handler does.
    const row = api.api.session.require().db.prepare("SELECT id FROM accounts WHERE username = 'amina'").get() as {
      id: number;
    };
    door.signIn('demo', row.id, 'amina');
    now += 9 * 60_000;
    expect(door.who()?.caller.username).toBe('amina');
    door.touch();
    now += 10 * 60_000 + 1;
    expect(door.who()).toBeNull();
    expect(door.lock).toMatchObject({ reason: 'idle', username: 'amina' });
  });

  it('counts a role taken away and an account disabled on the next call', async () => {
    const api = await demo();
    const people = await api.people();
    const door = api.api.newDoor();
    await call(api, door, 'session.signIn', { username: 'baraka', password: testPassword });
    expect(await call(api, door, 'ledger.list', {})).toMatchObject({ ok: true });
    setRoles(api.api.session.require().db, 'baraka', ['auditor'], people.admin.username);
    const asAuditor = await call(api, door, 'runs.approve', { runId: 1 });
    expect(asAuditor).toMatchObject({ ok: false, error: { kind: 'forbidden', code: 'role_needed' } });
    if (!asAuditor.ok) expect(asAuditor.error.message).toContain('Baraka Mwangi is signed in as Auditor');
    disableAccount(api.api.session.require().db, 'baraka', people.admin.username);
    expect(await call(api, door, 'ledger.list', {})).toMatchObject({ ok: false, error: { code: 'sign_in_needed' } });
    expect(door.lock).toMatchObject({ reason: 'account_changed', username: 'baraka' });
  });

  it('lets someone with a handed-over password do nothing but choose their own', async () => {
    const api = await demo();
    const people = await api.people();
    const db = api.api.session.require().db;
    await addAccount(
      db,
      { username: 'esther', displayName: 'Esther Njeri', roles: ['accountant'], password: 'Handed over 2026!' },
      people.admin.username,
    );
    const door = api.api.newDoor();
    const signedIn = await call(api, door, 'session.signIn', { username: 'esther', password: 'Handed over 2026!' });
    expect(signedIn).toMatchObject({ ok: true, value: { ok: true, session: { mustChangePassword: true } } });
    expect(await call(api, door, 'ledger.list', {})).toMatchObject({
      ok: false,
      error: { kind: 'forbidden', code: 'must_change_password' },
    });
    const changed = await call(api, door, 'session.changePassword', {
      currentPassword: 'Handed over 2026!',
      newPassword: 'Mti mkubwa wa mwembe',
    });
    expect(changed).toMatchObject({ ok: true, value: { mustChangePassword: false, signedIn: { username: 'esther' } } });
    expect(await call(api, door, 'ledger.list', {})).toMatchObject({ ok: true });
  });

  it('holds an approver without an authenticator app to setting one up, when the admin asks for it', async () => {
    const api = await demo();
    const people = await api.people();
    const db = api.api.session.require().db;
    saveSignInPolicy(db, { approversNeedSecondFactor: true }, people.admin.username);
    const door = api.api.newDoor();
    const signedIn = await call(api, door, 'session.signIn', { username: 'baraka', password: testPassword });
    expect(signedIn).toMatchObject({ ok: true, value: { ok: true, session: { mustEnrolSecondFactor: true } } });
    expect(await call(api, door, 'runs.list', {})).toMatchObject({
      ok: false,
      error: { kind: 'forbidden', code: 'second_factor_needed' },
    });
    const enrolment = await call(api, door, 'account.enrolSecondFactor', {});
    if (!enrolment.ok) throw new Error(enrolment.error.message);
    const app = URI.parse((enrolment.value as { uri: string }).uri);
    if (!(app instanceof TOTP)) throw new Error('not a TOTP address');
    const confirmed = await call(api, door, 'account.confirmSecondFactor', { code: app.generate() });
    expect(confirmed).toMatchObject({ ok: true });
    expect(await call(api, door, 'session.current', {})).toMatchObject({
      ok: true,
      value: { mustEnrolSecondFactor: false, signedIn: { username: 'baraka' } },
    });
    expect(await call(api, door, 'runs.list', {})).toMatchObject({ ok: true });
    // From now on the code is asked at sign-in.
    const again = await call(api, api.api.newDoor(), 'session.signIn', { username: 'baraka', password: testPassword });
    expect(again).toMatchObject({ ok: true, value: { ok: false, reason: 'code_needed' } });
  });

  it('opens profile creation to anyone only at First start', async () => {
    t = await testApi({ balanceOnOpen: false });
    const door = t.api.newDoor();
    expect(await call(t, door, 'profiles.create', { kind: 'demo' })).toMatchObject({ ok: true });
    // Now a profile exists: a second is an admin's to make.
    const again = await call(t, door, 'profiles.create', { kind: 'demo', name: 'second' });
    expect(again).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    const first = await call(t, door, 'session.createFirstAdmin', {
      username: 'wanjiru',
      displayName: 'Wanjiru Kamau',
      password: 'Mvua ya Novemba 2026',
    });
    expect(first).toMatchObject({
      ok: true,
      value: {
        signedIn: { username: 'wanjiru', roles: ['admin'] },
        demoPeople: { people: [{ username: 'amina' }, { username: 'baraka' }, { username: 'chebet' }] },
      },
    });
    const second = await call(t, t.api.newDoor(), 'session.createFirstAdmin', {
      username: 'mallory',
      displayName: 'Mallory',
      password: 'Another first admin 1',
    });
    expect(second).toMatchObject({ ok: false, error: { kind: 'conflict' } });
  });
});

function apiContextOf(api: TestApi) {
  return {
    session: api.api.session,
    dataRoot: api.dataRoot,
  } as unknown as Parameters<typeof signInDesk>[0];
}
