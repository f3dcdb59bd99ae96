// Accounts an admin manages: the first admin once, roles, the last admin kept, resets and changes.
import { describe, expect, it } from 'vitest';
import {
  addAccount,
  changePassword,
  createFirstAdmin,
  disableAccount,
  enableAccount,
  listAccounts,
  resetPassword,
  setRoles,
} from '../../../src/main/users/accounts';
import { verifyPassword } from '../../../src/main/users/passwords';
import { adminPassword, auditEntries, freshDatabase } from './helpers';
import type { ProfileDatabase } from '../../../src/main/db';

const storedHash = (db: ProfileDatabase, username: string): string =>
  (db.prepare('SELECT password_hash FROM accounts WHERE username = ?').get(username) as { password_hash: string })
    .password_hash;

async function withAdmin(): Promise<ProfileDatabase> {
  const { db } = freshDatabase();
  await createFirstAdmin(db, { username: 'wanjiru', displayName: 'Wanjiru Kamau', password: adminPassword });
  return db;
}

describe('the first admin', () => {
  it('is created once, with the password the person chose and the admin role only', async () => {
    const { db } = freshDatabase();
    const admin = await createFirstAdmin(db, {
      username: 'wanjiru',
      displayName: 'Wanjiru Kamau',
      password: adminPassword,
    });
    expect(admin).toMatchObject({ username: 'wanjiru', roles: ['admin'], mustChangePassword: false, createdBy: null });
    expect((await verifyPassword(adminPassword, storedHash(db, 'wanjiru'))).ok).toBe(true);

    await expect(
      createFirstAdmin(db, { username: 'intruder', displayName: 'Someone', password: 'another long phrase' }),
    ).rejects.toMatchObject({ kind: 'conflict', message: expect.stringMatching(/already has its first admin/) });
    expect(listAccounts(db).map((a) => a.username)).toEqual(['wanjiru']);
    expect(auditEntries(db)).toEqual([
      {
        actor: 'wanjiru',
        action: 'account.first_admin',
        entityId: String(admin.id),
        details: { username: 'wanjiru', displayName: 'Wanjiru Kamau', roles: ['admin'] },
      },
    ]);
  });

  it('must have a password that meets the rules: there is no default', async () => {
    const { db } = freshDatabase();
    await expect(
      createFirstAdmin(db, { username: 'admin', displayName: 'Admin', password: 'admin' }),
    ).rejects.toMatchObject({ kind: 'validation', message: expect.stringMatching(/at least 10/) });
    expect(listAccounts(db)).toEqual([]);
  });
});

describe('accounts an admin adds', () => {
  it('carry their roles, who added them, and a first password the person must change', async () => {
    const db = await withAdmin();
    const officer = await addAccount(
      db,
      {
        username: 'otieno',
        displayName: 'Otieno Odhiambo',
        roles: ['payroll-officer', 'accountant'],
        password: 'first day at work',
      },
      'wanjiru',
    );
    expect(officer).toMatchObject({
      username: 'otieno',
      roles: ['payroll-officer', 'accountant'],
      mustChangePassword: true,
      createdBy: 'wanjiru',
      disabledAt: null,
    });
    expect(auditEntries(db).at(-1)).toEqual({
      actor: 'wanjiru',
      action: 'account.added',
      entityId: String(officer.id),
      details: { username: 'otieno', displayName: 'Otieno Odhiambo', roles: ['payroll-officer', 'accountant'] },
    });
  });

  it('are refused with a reason: a taken name (any case), no role, an unknown role, a weak password, a non-admin', async () => {
    const db = await withAdmin();
    const add = (fields: Partial<Parameters<typeof addAccount>[1]>, actor = 'wanjiru') =>
      addAccount(
        db,
        {
          username: 'otieno',
          displayName: 'Otieno',
          roles: ['payroll-officer'],
          password: 'first day at work',
          ...fields,
        },
        actor,
      );
    await add({});
    await expect(add({ username: 'OTIENO' })).rejects.toMatchObject({ kind: 'conflict', message: /"otieno" is taken/ });
    await expect(add({ username: 'baraka', roles: [] })).rejects.toMatchObject({ message: /at least one role/ });
    await expect(add({ username: 'baraka', roles: ['owner'] })).rejects.toMatchObject({
      message: /"owner" is not a role/,
    });
    await expect(add({ username: 'baraka', password: 'baraka12345' })).rejects.toMatchObject({
      message: /must not contain the username/,
    });
    await expect(add({ username: 'baraka bw' })).rejects.toMatchObject({ message: /no spaces/ });
    await expect(add({ username: 'baraka' }, 'otieno')).rejects.toMatchObject({
      kind: 'validation',
      code: 'role_needed',
      message: /admin role/,
    });
    expect(listAccounts(db).map((a) => a.username)).toEqual(['otieno', 'wanjiru']);
  });
});

describe('roles and disabling', () => {
  it('changes roles with before and after in the audit log', async () => {
    const db = await withAdmin();
    await addAccount(
      db,
      { username: 'akinyi', displayName: 'Akinyi', roles: ['approver'], password: 'first day at work' },
      'wanjiru',
    );
    const changed = setRoles(db, 'Akinyi', ['auditor', 'approver'], 'wanjiru');
    expect(changed.roles).toEqual(['approver', 'auditor']);
    expect(auditEntries(db).at(-1)).toMatchObject({
      action: 'account.roles_changed',
      details: { username: 'akinyi', before: { roles: ['approver'] }, after: { roles: ['approver', 'auditor'] } },
    });
  });

  it('never leaves the profile without an enabled admin', async () => {
    const db = await withAdmin();
    expect(() => disableAccount(db, 'wanjiru', 'wanjiru')).toThrow(/only enabled admin/);
    expect(() => setRoles(db, 'wanjiru', ['auditor'], 'wanjiru')).toThrow(/only enabled admin/);
    expect(listAccounts(db)[0]).toMatchObject({ roles: ['admin'], disabledAt: null });

    // With a second admin, the first may step down; then the second is the last one.
    await addAccount(
      db,
      { username: 'juma', displayName: 'Juma', roles: ['admin'], password: 'first day at work' },
      'wanjiru',
    );
    expect(setRoles(db, 'wanjiru', ['auditor'], 'wanjiru').roles).toEqual(['auditor']);
    expect(() => disableAccount(db, 'juma', 'juma')).toThrow(/only enabled admin/);
    // A disabled admin does not count as one who can manage accounts.
    setRoles(db, 'wanjiru', ['admin'], 'juma');
    disableAccount(db, 'wanjiru', 'juma');
    expect(() => setRoles(db, 'juma', ['approver'], 'juma')).toThrow(/only enabled admin/);
  });

  it('disables and enables, and a disabled admin can no longer manage accounts', async () => {
    const db = await withAdmin();
    await addAccount(
      db,
      { username: 'juma', displayName: 'Juma', roles: ['admin'], password: 'first day at work' },
      'wanjiru',
    );
    const disabled = disableAccount(db, 'wanjiru', 'juma', new Date('2026-11-03T11:02:00Z'));
    expect(disabled.disabledAt).toBe('2026-11-03T11:02:00.000Z');
    expect(() => enableAccount(db, 'wanjiru', 'wanjiru')).toThrow(/admin role/);
    expect(enableAccount(db, 'wanjiru', 'juma').disabledAt).toBeNull();
    expect(
      auditEntries(db)
        .map((e) => e.action)
        .slice(-2),
    ).toEqual(['account.disabled', 'account.enabled']);
    expect(() => disableAccount(db, 'nobody', 'juma')).toThrow(/no account "nobody"/);
  });
});

describe('passwords', () => {
  it('an admin reset sets a one-time password, ends a lock-out, and the person must change it', async () => {
    const db = await withAdmin();
    await addAccount(
      db,
      { username: 'otieno', displayName: 'Otieno', roles: ['payroll-officer'], password: 'first day at work' },
      'wanjiru',
    );
    await changePassword(db, {
      username: 'otieno',
      currentPassword: 'first day at work',
      newPassword: 'my own long phrase',
    });
    db.prepare(
      "UPDATE accounts SET failed_signins = 10, locked_until = '2999-01-01T00:00:00Z' WHERE username = 'otieno'",
    ).run();

    const reset = await resetPassword(db, 'otieno', 'one time phrase 42', 'wanjiru');
    expect(reset).toMatchObject({ mustChangePassword: true, failedSignIns: 0, lockedUntil: null });
    expect((await verifyPassword('one time phrase 42', storedHash(db, 'otieno'))).ok).toBe(true);
    expect((await verifyPassword('my own long phrase', storedHash(db, 'otieno'))).ok).toBe(false);
    await expect(resetPassword(db, 'wanjiru', 'one time phrase 43', 'otieno')).rejects.toMatchObject({
      code: 'role_needed',
    });
  });

  it('a person changes their own password only with the current one, and not to the same', async () => {
    const db = await withAdmin();
    await addAccount(
      db,
      { username: 'otieno', displayName: 'Otieno', roles: ['payroll-officer'], password: 'first day at work' },
      'wanjiru',
    );
    await expect(
      changePassword(db, { username: 'otieno', currentPassword: 'a wrong guess!', newPassword: 'my own long phrase' }),
    ).rejects.toMatchObject({ kind: 'validation', field: ['currentPassword'] });
    await expect(
      changePassword(db, {
        username: 'otieno',
        currentPassword: 'first day at work',
        newPassword: 'first day at work',
      }),
    ).rejects.toMatchObject({ field: ['newPassword'] });
    await expect(
      changePassword(db, { username: 'otieno', currentPassword: 'first day at work', newPassword: 'short' }),
    ).rejects.toMatchObject({ message: /at least 10/ });

    const changed = await changePassword(db, {
      username: 'otieno',
      currentPassword: 'first day at work',
      newPassword: 'my own long phrase',
    });
    expect(changed.mustChangePassword).toBe(false);
    expect((await verifyPassword('my own long phrase', storedHash(db, 'otieno'))).ok).toBe(true);
    expect(auditEntries(db).at(-1)).toEqual({
      actor: 'otieno',
      action: 'account.password_changed',
      entityId: String(changed.id),
      details: { username: 'otieno' },
    });
  });
});
