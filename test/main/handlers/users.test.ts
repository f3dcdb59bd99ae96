// People and policies over the contract, as the screens call them: each call goes through
// callContract as a signed-in test person, so the role check, the handler and the users domain
// all answer. The admin manages accounts and policies; nobody else does; nobody can leave the
// profile without an admin; everyone manages their own password and authenticator app.
import { TOTP, URI } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContractError } from '../../../src/shared/contract';
import { totpSecretName } from '../../../src/main/secrets/secret-store';
import { callContract } from '../../../src/main/transports/dispatch';
import { signIn } from '../../../src/main/users/signin';
import { testPassword } from '../../helpers/people';
import { auditEntries } from '../users/helpers';
import { usersApi, type UsersApi } from './users-api';

let api: UsersApi;
beforeEach(async () => {
  api = await usersApi();
});
afterEach(async () => {
  await api.stop();
});

function refusal(answer: { ok: boolean; error?: ContractError }): ContractError {
  if (answer.ok || answer.error === undefined) throw new Error('expected a refusal, got an answer');
  return answer.error;
}

const keychain = () => ({ store: api.secrets, profile: api.profile });
const now = new Date('2026-11-03T08:00:10.000Z');

describe('the admin manages people', () => {
  it('adds a person with the roles chosen and a first password Mshahara makes, to be changed at first sign-in', async () => {
    const { admin } = api.people;
    const added = await api.call(
      'users.add',
      { username: 'otieno', displayName: 'Otieno Were', roles: ['payroll-officer', 'accountant'] },
      admin,
    );

    expect(added.account).toMatchObject({
      username: 'otieno',
      displayName: 'Otieno Were',
      roles: ['payroll-officer', 'accountant'],
      mustChangePassword: true,
      secondFactor: false,
      createdBy: 'wanjiru',
    });
    expect(added.firstPassword).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    const list = await api.call('users.list', {}, admin);
    expect(list.accounts.map((account) => account.username)).toContain('otieno');
    // The password handed over works once, and asks for a new one.
    const signedIn = await signIn(api.db, keychain(), {
      username: 'otieno',
      password: added.firstPassword!,
      now,
    });
    expect(signedIn).toMatchObject({ ok: true, mustChangePassword: true });
    expect(auditEntries(api.db, 'account.added')).toEqual([
      expect.objectContaining({ actor: 'wanjiru', details: expect.objectContaining({ username: 'otieno' }) }),
    ]);
  });

  it('takes the first password the admin typed, and does not answer it back', async () => {
    const added = await api.call(
      'users.add',
      { username: 'zawadi', displayName: 'Zawadi', roles: ['auditor'], firstPassword: 'mango season at the coast' },
      api.people.admin,
    );
    expect(added.firstPassword).toBeNull();
    expect(JSON.stringify(added)).not.toContain('mango season');
    const signedIn = await signIn(api.db, keychain(), {
      username: 'zawadi',
      password: 'mango season at the coast',
      now,
    });
    expect(signedIn.ok).toBe(true);
  });

  it('refuses everyone but the admin, naming the Admin role, and adds nobody', async () => {
    const { officer, approver, auditor } = api.people;
    const error = refusal(
      await api.result('users.add', { username: 'mallory', displayName: 'Mallory', roles: ['approver'] }, officer),
    );
    expect(error).toMatchObject({
      kind: 'forbidden',
      code: 'role_needed',
      message: 'Adding a person needs the Admin role. Amina Odhiambo is signed in as Payroll officer.',
    });
    for (const person of [approver, auditor]) {
      expect(
        refusal(await api.result('users.setRoles', { username: person.username, roles: ['admin'] }, person)),
      ).toMatchObject({ kind: 'forbidden', message: expect.stringContaining('needs the Admin role') });
      expect(refusal(await api.result('users.resetPassword', { username: 'wanjiru' }, person)).kind).toBe('forbidden');
    }
    expect(refusal(await api.result('users.list', {}, null)).code).toBe('sign_in_needed');
    const list = await api.call('users.list', {}, auditor);
    expect(list.accounts.map((account) => account.username)).not.toContain('mallory');
    expect(list.accounts.find((account) => account.username === 'baraka')?.roles).toEqual(['approver']);
  });

  it('refuses every change from a door that has signed nobody in', async () => {
    // Nobody signed in: the access check refuses before the handler runs.
    const added = await callContract(
      api.handlers,
      'users.add',
      {
        username: 'mallory',
        displayName: 'Mallory',
        roles: ['admin'],
      },
      null,
    );
    expect(refusal(added)).toMatchObject({ kind: 'forbidden', code: 'sign_in_needed' });
    const policy = await callContract(
      api.handlers,
      'users.savePolicy',
      {
        approval: { people: 1 },
        singlePersonConfirmed: true,
      },
      null,
    );
    expect(refusal(policy).kind).toBe('forbidden');
    const own = await callContract(api.handlers, 'account.enrolSecondFactor', {}, null);
    expect(refusal(own).kind).toBe('forbidden');
    const list = await api.call('users.list', {}, api.people.admin);
    expect(list.accounts.map((account) => account.username)).not.toContain('mallory');
    expect((await api.call('users.policy', {}, api.people.admin)).approval.people).toBe(2);
  });

  it('never lets the only admin take their own admin role away or disable themselves', async () => {
    const { admin } = api.people;
    const demoted = refusal(await api.result('users.setRoles', { username: 'wanjiru', roles: ['auditor'] }, admin));
    expect(demoted).toMatchObject({ kind: 'conflict', message: expect.stringContaining('only enabled admin') });
    const disabled = refusal(await api.result('users.disable', { username: 'wanjiru' }, admin));
    expect(disabled.kind).toBe('conflict');

    const list = await api.call('users.list', {}, admin);
    expect(list.accounts.find((account) => account.username === 'wanjiru')).toMatchObject({
      roles: ['admin'],
      disabledAt: null,
    });
  });

  it('changes roles, disables and enables an account, each audited with who did it', async () => {
    const { admin } = api.people;
    expect(
      (await api.call('users.setRoles', { username: 'chebet', roles: ['accountant', 'auditor'] }, admin)).roles,
    ).toEqual(['accountant', 'auditor']);
    const off = await api.call('users.disable', { username: 'chebet' }, admin);
    expect(off.disabledAt).not.toBeNull();
    const refused = await signIn(api.db, keychain(), { username: 'chebet', password: testPassword, now });
    expect(refused).toMatchObject({ ok: false, reason: 'disabled' });
    expect((await api.call('users.enable', { username: 'chebet' }, admin)).disabledAt).toBeNull();
    expect(auditEntries(api.db).map((entry) => [entry.actor, entry.action])).toEqual([
      ['wanjiru', 'account.roles_changed'],
      ['wanjiru', 'account.disabled'],
      ['wanjiru', 'account.enabled'],
    ]);
  });

  it('resets a password to a new first password that ends a lock-out; the old one stops working', async () => {
    const { admin } = api.people;
    api.db.prepare("UPDATE accounts SET locked_until = '2099-01-01T00:00:00.000Z' WHERE username = 'baraka'").run();
    const reset = await api.call('users.resetPassword', { username: 'baraka' }, admin);
    expect(reset.account).toMatchObject({ lockedUntil: null, mustChangePassword: true });
    expect(reset.firstPassword).toMatch(/^[a-z2-9-]{14}$/);

    expect((await signIn(api.db, keychain(), { username: 'baraka', password: testPassword, now })).ok).toBe(false);
    const later = new Date(now.getTime() + 60_000);
    expect(
      await signIn(api.db, keychain(), { username: 'baraka', password: reset.firstPassword!, now: later }),
    ).toMatchObject({ ok: true, mustChangePassword: true });
  });
});

describe('the policies', () => {
  it('answers the defaults: two people per run, and the sign-in policy', async () => {
    const policies = await api.call('users.policy', {}, api.people.auditor);
    expect(policies).toEqual({
      signIn: {
        idleLockMinutes: 10,
        slowDownAfter: 3,
        lockOutAfter: 10,
        lockOutMinutes: 15,
        approversNeedSecondFactor: false,
      },
      approval: { people: 2, aboveCents: null },
      approvalPolicyWords: 'the maker and one approver',
    });
    expect(refusal(await api.result('users.policy', {}, api.people.officer)).kind).toBe('forbidden');
  });

  it('saves both policies together, each change audited', async () => {
    const saved = await api.call(
      'users.savePolicy',
      {
        signIn: { idleLockMinutes: 5, approversNeedSecondFactor: true },
        approval: { people: 2, aboveCents: 1_000_000_00 },
      },
      api.people.admin,
    );
    expect(saved.signIn).toMatchObject({ idleLockMinutes: 5, approversNeedSecondFactor: true, lockOutAfter: 10 });
    expect(saved.approval).toEqual({ people: 2, aboveCents: 1_000_000_00 });
    expect(saved.approvalPolicyWords).toBe(
      'the maker and one approver; one more approver for a run above KES 1,000,000.00',
    );
    expect(auditEntries(api.db, 'settings.').map((entry) => [entry.actor, entry.action])).toEqual([
      ['wanjiru', 'settings.signin_policy'],
      ['wanjiru', 'settings.approval_policy'],
    ]);
  });

  it('takes single person only when the admin confirmed it, and then every screen can say so', async () => {
    const { admin, officer } = api.people;
    const unconfirmed = refusal(await api.result('users.savePolicy', { approval: { people: 1 } }, admin));
    expect(unconfirmed).toMatchObject({ kind: 'validation', code: 'confirm_single_person' });
    expect(unconfirmed.message).toContain('the maker approves and sends their own runs');
    expect((await api.call('users.policy', {}, admin)).approval.people).toBe(2);
    expect(auditEntries(api.db, 'settings.')).toEqual([]);

    await api.call('users.savePolicy', { approval: { people: 1 }, singlePersonConfirmed: true }, admin);

    const me = await api.call('account.me', {}, officer);
    expect(me.singlePerson).toBe(true);
    expect(me.approvalPolicyWords).toContain('single person');
    expect(auditEntries(api.db, 'settings.approval_policy')).toEqual([
      expect.objectContaining({
        actor: 'wanjiru',
        details: { before: { people: 2, aboveCents: null }, after: { people: 1, aboveCents: null } },
      }),
    ]);
  });

  it('changes neither policy when one part is refused', async () => {
    const error = refusal(
      await api.result(
        'users.savePolicy',
        { signIn: { idleLockMinutes: 3 }, approval: { people: 3, aboveCents: 12_345 } },
        api.people.admin,
      ),
    );
    expect(error.kind).toBe('validation');
    const policies = await api.call('users.policy', {}, api.people.admin);
    expect(policies.signIn.idleLockMinutes).toBe(10);
    expect(policies.approval.people).toBe(2);
  });

  it('refuses a policy change from anyone but the admin', async () => {
    const error = refusal(
      await api.result(
        'users.savePolicy',
        { approval: { people: 1 }, singlePersonConfirmed: true },
        api.people.approver,
      ),
    );
    expect(error.message).toBe(
      'Changing the sign-in and approval policies needs the Admin role. Baraka Mwangi is signed in as Approver.',
    );
    expect((await api.call('users.policy', {}, api.people.admin)).approval.people).toBe(2);
  });
});

describe('your own account', () => {
  it('shows each person their own account and the approval policy in words', async () => {
    for (const person of Object.values(api.people)) {
      const me = await api.call('account.me', {}, person);
      expect(me.account.username).toBe(person.username);
      expect(me).toMatchObject({ approvalPolicyWords: 'the maker and one approver', singlePerson: false });
      expect(me.idleLockMinutes).toBe(10);
    }
    expect(refusal(await api.result('account.me', {}, null)).code).toBe('sign_in_needed');
  });

  it('changes only the caller’s own password, proving the current one', async () => {
    const { auditor } = api.people;
    const wrong = refusal(
      await api.result(
        'account.changePassword',
        { currentPassword: 'not the one', newPassword: 'a brand new sentence' },
        auditor,
      ),
    );
    expect(wrong).toMatchObject({
      kind: 'validation',
      message: expect.stringContaining('current password is not right'),
    });

    const changed = await api.call(
      'account.changePassword',
      { currentPassword: testPassword, newPassword: 'a brand new sentence' },
      auditor,
    );
    expect(changed.username).toBe('daudi');
    const later = new Date(now.getTime() + 60_000);
    expect(
      (await signIn(api.db, keychain(), { username: 'daudi', password: 'a brand new sentence', now: later })).ok,
    ).toBe(true);
    // Nobody else's password moved.
    expect((await signIn(api.db, keychain(), { username: 'amina', password: testPassword, now: later })).ok).toBe(true);
  });

  it('sets up the authenticator app: the key once, on after a first code, off again on removal', async () => {
    const { approver } = api.people;
    const enrolment = await api.call('account.enrolSecondFactor', {}, approver);
    const app = URI.parse(enrolment.uri);
    if (!(app instanceof TOTP)) throw new Error('not a TOTP address');
    expect(enrolment.secretKey).toBe(app.secret.base32);
    expect(app.label).toBe('baraka');
    expect((await api.call('account.me', {}, approver)).account.secondFactor).toBe(false);

    const wrong = refusal(await api.result('account.confirmSecondFactor', { code: '000000' }, approver));
    expect(wrong.kind).toBe('validation');
    const on = await api.call('account.confirmSecondFactor', { code: app.generate() }, approver);
    expect(on.secondFactor).toBe(true);
    const row = api.db.prepare("SELECT id FROM accounts WHERE username = 'baraka'").get() as { id: number };
    expect(await api.secrets.has(api.profile, totpSecretName(row.id))).toBe(true);
    // Nothing after enrolment carries the key.
    const me = await api.call('account.me', {}, approver);
    expect(JSON.stringify(me)).not.toContain(enrolment.secretKey);

    const off = await api.call('account.removeSecondFactor', {}, approver);
    expect(off.secondFactor).toBe(false);
    expect(await api.secrets.has(api.profile, totpSecretName(row.id))).toBe(false);
    expect(auditEntries(api.db, 'account.totp').map((entry) => [entry.actor, entry.action])).toEqual([
      ['baraka', 'account.totp_enrolment_started'],
      ['baraka', 'account.totp_enabled'],
      ['baraka', 'account.totp_removed'],
    ]);
  });
});
