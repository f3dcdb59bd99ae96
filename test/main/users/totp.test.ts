// The TOTP second factor against a real keychain (gnome-keyring on a private D-Bus): enrolment,
// confirmation, codes that work once, removal, and the policy that approvers must have one.
import keytar from 'keytar';
import { Secret, TOTP, URI } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../../src/main/secrets/keytar-store';
import { keychainService } from '../../../src/main/secrets/secret-store';
import { addAccount, createFirstAdmin } from '../../../src/main/users/accounts';
import { saveSignInPolicy } from '../../../src/main/users/policy';
import { signIn } from '../../../src/main/users/signin';
import { confirmTotp, enrolTotp, removeTotp } from '../../../src/main/users/totp';
import type { ProfileDatabase } from '../../../src/main/db';
import { startPrivateKeyring, type PrivateKeyring } from '../../helpers/keyring';
import { adminPassword, auditEntries, freshDatabase } from './helpers';

let keyring: PrivateKeyring;
beforeAll(async () => {
  keyring = await startPrivateKeyring();
});
afterAll(async () => {
  await keyring?.stop();
});

const approverPassword = 'first day at work';
const start = new Date('2026-11-03T08:00:10.000Z'); // 10 s into a 30 s step
const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
let profileCounter = 0;

async function profileWithApprover(): Promise<{
  db: ProfileDatabase;
  keychain: { store: KeytarSecretStore; profile: string };
}> {
  const { db } = freshDatabase();
  const keychain = { store: new KeytarSecretStore(), profile: `totp-test-${++profileCounter}` };
  await createFirstAdmin(db, { username: 'wanjiru', displayName: 'Wanjiru Kamau', password: adminPassword });
  await addAccount(
    db,
    { username: 'akinyi', displayName: 'Akinyi Achieng', roles: ['approver'], password: approverPassword },
    'wanjiru',
  );
  await addAccount(
    db,
    { username: 'otieno', displayName: 'Otieno', roles: ['payroll-officer'], password: approverPassword },
    'wanjiru',
  );
  return { db, keychain };
}

/** The person's authenticator app: the secret read from the QR code's address. */
function appFrom(uri: string): TOTP {
  const otp = URI.parse(uri);
  if (!(otp instanceof TOTP)) throw new Error('not a TOTP address');
  return otp;
}

const code = (app: TOTP, when: Date) => app.generate({ timestamp: when.getTime() });
const signInAkinyi = (
  db: ProfileDatabase,
  keychain: { store: KeytarSecretStore; profile: string },
  when: Date,
  otp?: string,
) =>
  signIn(db, keychain, {
    username: 'akinyi',
    password: approverPassword,
    now: when,
    ...(otp === undefined ? {} : { code: otp }),
  });

async function enrolled(db: ProfileDatabase, keychain: { store: KeytarSecretStore; profile: string }): Promise<TOTP> {
  const { uri } = await enrolTotp(db, keychain, 'akinyi', 'akinyi');
  const app = appFrom(uri);
  await confirmTotp(db, keychain, 'akinyi', code(app, start), 'akinyi', start);
  return app;
}

describe('enrolling a second factor', () => {
  it('keeps the secret only in the keychain and turns on only after a first good code', async () => {
    const { db, keychain } = await profileWithApprover();
    const { uri } = await enrolTotp(db, keychain, 'akinyi', 'akinyi');
    expect(uri).toMatch(/^otpauth:\/\/totp\/Mshahara%20\(totp-test-\d+\):akinyi\?/);
    const app = appFrom(uri);
    expect(app).toMatchObject({ digits: 6, period: 30, algorithm: 'SHA1' });

    const accountId = (db.prepare("SELECT id FROM accounts WHERE username = 'akinyi'").get() as { id: number }).id;
    const kept = await keytar.getPassword(keychainService, `${keychain.profile}/totp-${accountId}`);
    expect(kept).toBe(app.secret.base32);
    expect(db.prepare('SELECT totp_enabled FROM accounts WHERE id = ?').get(accountId)).toEqual({ totp_enabled: 0 });

    await expect(confirmTotp(db, keychain, 'akinyi', '000000', 'akinyi', start)).rejects.toMatchObject({
      field: ['code'],
    });
    // Someone else who is not an admin cannot finish it for her.
    await expect(confirmTotp(db, keychain, 'akinyi', code(app, start), 'otieno', start)).rejects.toMatchObject({
      code: 'role_needed',
    });
    await confirmTotp(db, keychain, 'akinyi', code(app, start), 'akinyi', start);
    expect(db.prepare('SELECT totp_enabled FROM accounts WHERE id = ?').get(accountId)).toEqual({ totp_enabled: 1 });
    await expect(enrolTotp(db, keychain, 'akinyi', 'akinyi')).rejects.toThrow(/already has a second factor/);
    expect(
      auditEntries(db)
        .map((e) => e.action)
        .slice(-2),
    ).toEqual(['account.totp_enrolment_started', 'account.totp_enabled']);
  });
});

describe('signing in with a second factor', () => {
  it('asks for the code, takes a current one once, and refuses a replay or a stale code', async () => {
    const { db, keychain } = await profileWithApprover();
    const app = await enrolled(db, keychain);

    expect(await signInAkinyi(db, keychain, at(30))).toMatchObject({ ok: false, reason: 'code_needed' });
    // The code used to confirm (this step) is spent already.
    expect(await signInAkinyi(db, keychain, at(5), code(app, start))).toMatchObject({ reason: 'wrong_code' });
    // The next step's code works, once.
    expect(await signInAkinyi(db, keychain, at(30), code(app, at(30)))).toMatchObject({
      ok: true,
      account: { username: 'akinyi', totpEnabled: true },
    });
    expect(await signInAkinyi(db, keychain, at(35), code(app, at(30)))).toMatchObject({ reason: 'wrong_code' });
    // One step of clock drift either side is fine; two is not.
    expect(await signInAkinyi(db, keychain, at(60), code(app, at(90)))).toMatchObject({ ok: true });
    expect(await signInAkinyi(db, keychain, at(200), code(app, at(260)))).toMatchObject({ reason: 'wrong_code' });
    expect(await signInAkinyi(db, keychain, at(200), '12345')).toMatchObject({ reason: 'wrong_code' });
    // Wrong codes count as failed sign-ins (a code cannot be guessed a million times): the two
    // since the last good sign-in.
    const { failed_signins: failed } = db
      .prepare("SELECT failed_signins FROM accounts WHERE username = 'akinyi'")
      .get() as {
      failed_signins: number;
    };
    expect(failed).toBe(2);
  });

  it('is removed by the person or an admin only, and the keychain entry goes with it', async () => {
    const { db, keychain } = await profileWithApprover();
    await enrolled(db, keychain);
    await expect(removeTotp(db, keychain, 'akinyi', 'otieno')).rejects.toMatchObject({ code: 'role_needed' });
    await removeTotp(db, keychain, 'akinyi', 'wanjiru');
    const entries = (await keytar.findCredentials(keychainService)).filter((c) =>
      c.account.startsWith(`${keychain.profile}/`),
    );
    expect(entries).toEqual([]);
    expect(await signInAkinyi(db, keychain, at(60))).toMatchObject({ ok: true, account: { totpEnabled: false } });
    expect(auditEntries(db).filter((e) => e.action === 'account.totp_removed')).toEqual([
      expect.objectContaining({ actor: 'wanjiru', details: { username: 'akinyi', wasOn: true } }),
    ]);
  });
});

describe('the policy that approvers need a second factor', () => {
  it('refuses an approver without one, telling her to set it up, and lets others and enrolled approvers in', async () => {
    const { db, keychain } = await profileWithApprover();
    saveSignInPolicy(db, { approversNeedSecondFactor: true }, 'wanjiru');
    const refused = await signInAkinyi(db, keychain, start);
    expect(refused).toMatchObject({
      ok: false,
      reason: 'enrol_second_factor',
      message: expect.stringMatching(/Approvers .* must use a second factor: set up an authenticator app/),
    });
    expect(refused).toHaveProperty('accountId');
    // A wrong password still hears the usual words: the policy tells nothing to a guesser.
    expect(await signIn(db, keychain, { username: 'akinyi', password: 'not my password', now: start })).toMatchObject({
      reason: 'wrong_credentials',
    });
    expect(await signIn(db, keychain, { username: 'otieno', password: approverPassword, now: start })).toMatchObject({
      ok: true,
    });

    const app = await enrolled(db, keychain);
    expect(await signInAkinyi(db, keychain, at(30), code(app, at(30)))).toMatchObject({
      ok: true,
      roles: ['approver'],
    });
  });
});

describe('a secret read back', () => {
  it('is the one the app holds (the keychain entry is the only copy)', async () => {
    const { db, keychain } = await profileWithApprover();
    const app = await enrolled(db, keychain);
    const accountId = (db.prepare("SELECT id FROM accounts WHERE username = 'akinyi'").get() as { id: number }).id;
    const stored = await keychain.store.get(keychain.profile, `totp-${accountId}`);
    expect(Secret.fromBase32(stored ?? '').hex).toBe(app.secret.hex);
  });
});
