// Passwords and TOTP secrets never reach the profile database in the clear. Every account
// operation runs with known passwords and a real keychain, then every byte of the database files
// (main, WAL, shared memory) and every audit entry is searched for them, as text, base64 and hex.
// The same operations through the contract are searched too: every answer and refusal the screens
// get and every log line, which may carry only the one answer that hands a secret over (a first
// password Mshahara made, a new authenticator key). A positive control proves the search would
// find one.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TOTP, URI } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../src/main/db';
import { KeytarSecretStore } from '../../../src/main/secrets/keytar-store';
import {
  addAccount,
  changePassword,
  createFirstAdmin,
  resetPassword,
  setRoles,
} from '../../../src/main/users/accounts';
import { saveSignInPolicy } from '../../../src/main/users/policy';
import { signIn } from '../../../src/main/users/signin';
import { confirmTotp, enrolTotp } from '../../../src/main/users/totp';
import { startPrivateKeyring, type PrivateKeyring } from '../../helpers/keyring';
import { configureLogging } from '../../../src/main/log';
import { usersApi } from '../handlers/users-api';
import { freshDatabase } from './helpers';
import { testPassword } from '../../helpers/people';

let keyring: PrivateKeyring;
beforeAll(async () => {
  keyring = await startPrivateKeyring();
});
afterAll(async () => {
  await keyring?.stop();
});

const passwords = {
  admin: 'Kilimanjaro-canary-7731',
  first: 'Mombasa-canary-first-4410',
  changed: 'Turkana-canary-changed-9902',
  reset: 'Naivasha-canary-reset-5518',
  wrong: 'Lamu-canary-wrong-6627',
};

/** Every way a value could sit in a file: as typed, UTF-16, base64, hex. */
function formsOf(value: string): Buffer[] {
  const bytes = Buffer.from(value, 'utf8');
  return [
    bytes,
    Buffer.from(value, 'utf16le'),
    Buffer.from(bytes.toString('base64')),
    Buffer.from(bytes.toString('hex')),
  ];
}

async function found(folder: string, needles: Record<string, Buffer[]>): Promise<string[]> {
  const hits: string[] = [];
  for (const name of await readdir(folder)) {
    const bytes = await readFile(join(folder, name));
    for (const [label, forms] of Object.entries(needles)) {
      if (forms.some((form) => bytes.includes(form))) hits.push(`${label} in ${name}`);
    }
  }
  return hits;
}

describe('the profile database', () => {
  it('holds no password and no TOTP secret, in the files or the audit log', async () => {
    const { db, file } = freshDatabase();
    const keychain = { store: new KeytarSecretStore(), profile: 'scan-accounts' };
    const now = new Date('2026-11-03T08:00:10.000Z');

    await createFirstAdmin(db, { username: 'wanjiru', displayName: 'Wanjiru Kamau', password: passwords.admin });
    await addAccount(
      db,
      { username: 'akinyi', displayName: 'Akinyi', roles: ['approver'], password: passwords.first },
      'wanjiru',
    );
    setRoles(db, 'akinyi', ['approver', 'auditor'], 'wanjiru');
    saveSignInPolicy(db, { approversNeedSecondFactor: true }, 'wanjiru');
    await signIn(db, keychain, { username: 'akinyi', password: passwords.first, now });
    await changePassword(db, {
      username: 'akinyi',
      currentPassword: passwords.first,
      newPassword: passwords.changed,
      now,
    });
    await signIn(db, keychain, { username: 'akinyi', password: passwords.wrong, now });
    // A password typed into the username field is not recorded either.
    await signIn(db, keychain, { username: passwords.wrong, password: passwords.changed, now });
    await expect(
      changePassword(db, { username: 'akinyi', currentPassword: passwords.wrong, newPassword: passwords.reset }),
    ).rejects.toSatisfy(
      (error: Error) => !error.message.includes(passwords.wrong) && !error.message.includes(passwords.reset),
    );
    await resetPassword(db, 'akinyi', passwords.reset, 'wanjiru');

    const { uri } = await enrolTotp(db, keychain, 'akinyi', 'akinyi');
    const app = URI.parse(uri);
    if (!(app instanceof TOTP)) throw new Error('enrolment gave no TOTP address');
    await confirmTotp(db, keychain, 'akinyi', app.generate({ timestamp: now.getTime() }), 'akinyi', now);
    const later = new Date(now.getTime() + 30_000);
    const signedIn = await signIn(db, keychain, {
      username: 'akinyi',
      password: passwords.reset,
      code: app.generate({ timestamp: later.getTime() }),
      now: later,
    });
    expect(signedIn).toMatchObject({ ok: true, mustChangePassword: true });

    const secret = app.secret;
    const needles: Record<string, Buffer[]> = {
      ...Object.fromEntries(Object.entries(passwords).map(([label, value]) => [`password ${label}`, formsOf(value)])),
      'TOTP secret (base32)': formsOf(secret.base32),
      'TOTP secret (bytes)': [
        Buffer.from(secret.bytes),
        Buffer.from(secret.hex),
        Buffer.from(Buffer.from(secret.bytes).toString('base64')),
      ],
    };

    const audit = db.prepare('SELECT actor, action, details FROM audit_log').all() as {
      actor: string;
      action: string;
      details: string;
    }[];
    expect(audit.map((row) => row.action)).toEqual(
      expect.arrayContaining([
        'account.password_changed',
        'account.password_reset',
        'account.totp_enabled',
        'account.signed_in',
      ]),
    );
    const auditText = Buffer.from(JSON.stringify(audit));
    expect(Object.entries(needles).filter(([, forms]) => forms.some((form) => auditText.includes(form)))).toEqual([]);

    // Read the files while the connection is open (WAL not yet folded in), then after closing.
    const folder = dirname(file);
    expect(await found(folder, needles)).toEqual([]);
    closeDatabase(db);
    expect(await found(folder, needles)).toEqual([]);

    // The control: the same search finds a password and the secret once they are written.
    const reopened = openDatabase(file);
    reopened
      .prepare("INSERT INTO settings (key, value) VALUES ('leak', ?)")
      .run(JSON.stringify([passwords.admin, secret.base32]));
    closeDatabase(reopened);
    expect(await found(folder, needles)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^password admin in /),
        expect.stringMatching(/^TOTP secret \(base32\) in /),
      ]),
    );
  });
});

describe('the people and account methods of the contract', () => {
  it('answer no password and no TOTP secret outside the one answer that hands it over, and log none', async () => {
    const lines: string[] = [];
    configureLogging({ level: 'trace', destination: { write: (line: string) => void lines.push(line) } });
    const api = await usersApi(new KeytarSecretStore());
    try {
      const { admin, officer, auditor } = api.people;
      const typed = {
        first: 'Kisumu-canary-first-3307',
        reset: 'Eldoret-canary-reset-8812',
        refused: 'Malindi-canary-refused-1190',
        changed: 'Nyeri-canary-changed-2264',
        wrong: 'Voi-canary-wrong-7745',
      };
      /** Every answer and refusal a screen would get, but the ones that hand a secret over. */
      const seen: unknown[] = [];
      const through = async (...args: Parameters<typeof api.result>) => {
        const answer = await api.result(...args);
        seen.push(answer);
        return answer;
      };

      await through(
        'users.add',
        { username: 'kamau', displayName: 'Kamau', roles: ['approver'], firstPassword: typed.first },
        admin,
      );
      const made = await api.call(
        'users.add',
        { username: 'njoki', displayName: 'Njoki', roles: ['accountant'] },
        admin,
      );
      const madePassword = made.firstPassword ?? '';
      expect(madePassword).not.toBe('');
      await through(
        'users.add',
        { username: 'eve', displayName: 'Eve', roles: ['admin'], firstPassword: typed.refused },
        officer,
      );
      await through(
        'users.add',
        { username: 'short', displayName: 'Short', roles: ['auditor'], firstPassword: 'short-1' },
        admin,
      );
      await through('users.resetPassword', { username: 'kamau', firstPassword: typed.reset }, admin);
      await through('users.resetPassword', { username: 'kamau', firstPassword: typed.refused }, auditor);
      await through('account.changePassword', { currentPassword: typed.wrong, newPassword: typed.changed }, auditor);
      await through('account.changePassword', { currentPassword: testPassword, newPassword: typed.changed }, auditor);

      const enrolment = await api.call('account.enrolSecondFactor', {}, officer);
      const app = URI.parse(enrolment.uri);
      if (!(app instanceof TOTP)) throw new Error('enrolment gave no TOTP address');
      await through('account.confirmSecondFactor', { code: app.generate() }, officer);
      await through('account.me', {}, officer);
      await through('users.list', {}, admin);
      await through('users.list', {}, auditor);
      await through('users.policy', {}, admin);
      await through('account.removeSecondFactor', {}, officer);

      const needles: Record<string, Buffer[]> = {
        ...Object.fromEntries(Object.entries(typed).map(([label, value]) => [`password ${label}`, formsOf(value)])),
        'first password Mshahara made': formsOf(madePassword),
        'TOTP secret (base32)': formsOf(app.secret.base32),
        'TOTP secret (hex)': [Buffer.from(app.secret.hex)],
      };
      const within = (text: string) =>
        Object.entries(needles)
          .filter(([, forms]) => forms.some((form) => Buffer.from(text).includes(form)))
          .map(([label]) => label);

      expect(seen.length).toBe(13);
      // Both kinds were looked at: refusals (role, rule, wrong current password) and answers.
      const outcomes = seen.map((answer) => (answer as { ok: boolean; error?: { kind: string } }).error?.kind ?? 'ok');
      expect(outcomes.slice(0, 7)).toEqual(['ok', 'forbidden', 'validation', 'ok', 'forbidden', 'validation', 'ok']);
      expect(within(JSON.stringify(seen))).toEqual([]);
      // Logging was on at its most verbose, and refusals were logged.
      expect(lines.some((line) => line.includes('call refused'))).toBe(true);
      expect(within(lines.join('\n'))).toEqual([]);
      expect(await found(dirname(api.dbFile), needles)).toEqual([]);

      // The control: the search finds the secret and the made password where they were handed over.
      expect(within(JSON.stringify(enrolment))).toEqual(expect.arrayContaining(['TOTP secret (base32)']));
      expect(within(JSON.stringify(made))).toEqual(['first password Mshahara made']);
    } finally {
      configureLogging({ level: 'silent' });
      await api.stop();
    }
  });
});
