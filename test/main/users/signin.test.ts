// Signing in: the same words for an unknown name and a wrong password, the slow-down and the
// lock-out on an injected clock, a good sign-in clearing the count, disabled accounts, old hashes.
import { describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../../src/main/secrets/memory-store';
import { addAccount, createFirstAdmin, disableAccount, resetPassword } from '../../../src/main/users/accounts';
import { hashPassword } from '../../../src/main/users/passwords';
import { saveSignInPolicy, signInPolicy } from '../../../src/main/users/policy';
import { signIn, wrongCredentialsMessage } from '../../../src/main/users/signin';
import type { ProfileDatabase } from '../../../src/main/db';
import { adminPassword, auditEntries, freshDatabase } from './helpers';

const keychain = { store: new MemorySecretStore(), profile: 'signin-test' };
const officerPassword = 'first day at work';
const start = new Date('2026-11-03T08:00:00.000Z');
const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);

async function profileWithOfficer(): Promise<ProfileDatabase> {
  const { db } = freshDatabase();
  await createFirstAdmin(db, { username: 'wanjiru', displayName: 'Wanjiru Kamau', password: adminPassword });
  await addAccount(
    db,
    { username: 'otieno', displayName: 'Otieno Odhiambo', roles: ['payroll-officer'], password: officerPassword },
    'wanjiru',
  );
  return db;
}

const failures = (db: ProfileDatabase) =>
  db.prepare("SELECT failed_signins AS n, locked_until FROM accounts WHERE username = 'otieno'").get() as {
    n: number;
    locked_until: string | null;
  };

describe('signing in', () => {
  it('returns the account, its roles, and that the first password must be changed', async () => {
    const db = await profileWithOfficer();
    const result = await signIn(db, keychain, { username: 'OTIENO', password: officerPassword, now: start });
    expect(result).toMatchObject({
      ok: true,
      roles: ['payroll-officer'],
      mustChangePassword: true,
      account: { username: 'otieno', displayName: 'Otieno Odhiambo' },
    });
    expect(auditEntries(db).at(-1)).toMatchObject({
      actor: 'otieno',
      action: 'account.signed_in',
      details: { username: 'otieno', secondFactor: false },
    });
  });

  it('says the same words for an unknown name and a wrong password, and records no typed name', async () => {
    const db = await profileWithOfficer();
    const unknown = await signIn(db, keychain, {
      username: 'first day at work',
      password: 'whatever it is',
      now: start,
    });
    const wrong = await signIn(db, keychain, { username: 'otieno', password: 'not my password', now: start });
    expect(unknown).toEqual({ ok: false, reason: 'wrong_credentials', message: wrongCredentialsMessage });
    expect(wrong).toEqual(unknown);
    const audit = JSON.stringify(db.prepare('SELECT actor, details FROM audit_log').all());
    expect(audit).not.toContain('first day at work');
    expect(audit).not.toContain('not my password');
  });

  it('does the same hashing work for an unknown name as for a wrong password', async () => {
    const db = await profileWithOfficer();
    const time = async (username: string): Promise<number> => {
      const began = performance.now();
      await signIn(db, keychain, { username, password: 'not my password', now: start });
      return performance.now() - began;
    };
    const unknown = Math.min(await time('nobody'), await time('nobody-else'));
    const wrong = Math.min(await time('otieno'), await time('otieno'));
    // Both pay for one scrypt; an unknown name answered at once would be many times faster.
    expect(unknown).toBeGreaterThan(wrong / 3);
  });

  it('slows down after repeated failures, then locks the account, all on the clock it is given', async () => {
    const db = await profileWithOfficer();
    const attempt = (seconds: number, password = 'not my password') =>
      signIn(db, keychain, { username: 'otieno', password, now: at(seconds) });

    // Three failures in a row are free (the default slow-down starts after 3).
    for (const s of [0, 1, 2]) expect(await attempt(s)).toMatchObject({ reason: 'wrong_credentials' });
    expect(failures(db).n).toBe(3);
    // The fourth try within 5 s is refused without looking at the password, the right one included.
    expect(await attempt(3, officerPassword)).toMatchObject({
      ok: false,
      reason: 'slowed_down',
      retryInSeconds: 4,
      message: expect.stringMatching(/try again in 4 seconds/),
    });
    expect(failures(db).n).toBe(3);
    // Each further failure doubles the wait: 5, 10, 20 s …
    expect(await attempt(7)).toMatchObject({ reason: 'wrong_credentials' });
    expect(await attempt(16)).toMatchObject({ reason: 'slowed_down', retryInSeconds: 1 });
    expect(await attempt(17)).toMatchObject({ reason: 'wrong_credentials' });
    expect(await attempt(36)).toMatchObject({ reason: 'slowed_down', retryInSeconds: 1 });
    expect(failures(db).n).toBe(5);

    // Lock out after 10 in a row (waiting out each slow-down).
    let clock = 37;
    for (let n = 5; n < 10; n += 1) {
      expect(await attempt(clock)).toMatchObject({ reason: 'wrong_credentials' });
      clock += 301;
    }
    const locked = failures(db);
    expect(locked.n).toBe(10);
    expect(locked.locked_until).not.toBeNull();
    const lockedAt = Date.parse(locked.locked_until ?? '');
    // Locked for 15 minutes, even with the right password.
    const during = await signIn(db, keychain, {
      username: 'otieno',
      password: officerPassword,
      now: new Date(lockedAt - 60_000),
    });
    expect(during).toMatchObject({ ok: false, reason: 'locked_out', lockedUntil: locked.locked_until });
    expect(auditEntries(db).filter((e) => e.action === 'account.locked_out')).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ username: 'otieno', failedInARow: 10 }) }),
    ]);

    // After the lock: the right password signs in and clears the count.
    const after = await signIn(db, keychain, {
      username: 'otieno',
      password: officerPassword,
      now: new Date(lockedAt + 1),
    });
    expect(after).toMatchObject({ ok: true });
    expect(failures(db)).toEqual({ n: 0, locked_until: null });
  });

  it('a good sign-in before the slow-down clears the count', async () => {
    const db = await profileWithOfficer();
    await signIn(db, keychain, { username: 'otieno', password: 'not my password', now: at(0) });
    await signIn(db, keychain, { username: 'otieno', password: 'not my password', now: at(1) });
    expect(failures(db).n).toBe(2);
    expect(await signIn(db, keychain, { username: 'otieno', password: officerPassword, now: at(2) })).toMatchObject({
      ok: true,
    });
    expect(failures(db).n).toBe(0);
  });

  it('follows the policy an admin saves, and an admin reset ends a lock-out', async () => {
    const db = await profileWithOfficer();
    saveSignInPolicy(db, { slowDownAfter: 1, lockOutAfter: 2, lockOutMinutes: 60 }, 'wanjiru');
    await signIn(db, keychain, { username: 'otieno', password: 'not my password', now: at(0) });
    await signIn(db, keychain, { username: 'otieno', password: 'not my password', now: at(10) });
    expect(
      await signIn(db, keychain, { username: 'otieno', password: officerPassword, now: at(59 * 60) }),
    ).toMatchObject({
      reason: 'locked_out',
    });
    await resetPassword(db, 'otieno', 'one time phrase 42', 'wanjiru');
    expect(
      await signIn(db, keychain, { username: 'otieno', password: 'one time phrase 42', now: at(59 * 60) }),
    ).toMatchObject({ ok: true, mustChangePassword: true });
    expect(() => saveSignInPolicy(db, { slowDownAfter: 2 }, 'wanjiru')).toThrow(/slow down before it locks/);
    expect(() => saveSignInPolicy(db, { lockOutAfter: 50 }, 'otieno')).toThrow(
      expect.objectContaining({ code: 'role_needed' }),
    );
    expect(signInPolicy(db)).toMatchObject({
      slowDownAfter: 1,
      lockOutAfter: 2,
      lockOutMinutes: 60,
      idleLockMinutes: 10,
    });
  });

  it('refuses a disabled account, naming it only to someone who knows the password', async () => {
    const db = await profileWithOfficer();
    disableAccount(db, 'otieno', 'wanjiru');
    expect(await signIn(db, keychain, { username: 'otieno', password: officerPassword, now: start })).toMatchObject({
      ok: false,
      reason: 'disabled',
      message: expect.stringMatching(/disabled; ask an admin/),
    });
    expect(await signIn(db, keychain, { username: 'otieno', password: 'not my password', now: start })).toMatchObject({
      reason: 'wrong_credentials',
    });
    expect(failures(db).n).toBe(1);
  });

  it('replaces a hash made with older parameters at the next good sign-in', async () => {
    const db = await profileWithOfficer();
    const old = await hashPassword(officerPassword, { N: 16_384, r: 8, p: 1 });
    db.prepare("UPDATE accounts SET password_hash = ? WHERE username = 'otieno'").run(old);
    expect(await signIn(db, keychain, { username: 'otieno', password: officerPassword, now: start })).toMatchObject({
      ok: true,
    });
    const stored = (
      db.prepare("SELECT password_hash FROM accounts WHERE username = 'otieno'").get() as { password_hash: string }
    ).password_hash;
    expect(stored).toMatch(/^scrypt\$N=32768,r=8,p=1\$/);
    expect(auditEntries(db).at(-1)).toMatchObject({ details: { hashUpgraded: true } });
    expect(await signIn(db, keychain, { username: 'otieno', password: officerPassword, now: at(1) })).toMatchObject({
      ok: true,
    });
  });
});
