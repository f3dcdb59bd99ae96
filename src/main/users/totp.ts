// The optional second factor: a TOTP secret per account (RFC 6238, 6 digits, 30 s, what every
// authenticator app reads from a QR code). The secret lives only in the OS keychain, under the
// profile's name; the database holds whether it is on and the last time step used, so each code
// works once.
import { Secret, TOTP } from 'otpauth';
import { ValidationError } from '../../shared/errors';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { totpSecretName, type Profile, type SecretStore } from '../secrets/secret-store';
import { accountRowByName, requireAccountRow, rolesOf, type AccountRow } from './account-rows';

/** Where a profile keeps its secrets: the keychain and the profile's name in it. */
export interface ProfileKeychain {
  store: SecretStore;
  profile: Profile;
}

const period = 30;
const digits = 6;
/** One step either side: a phone clock up to 30 s off still works. */
const window = 1;

function totpFor(keychain: ProfileKeychain, username: string, secret: Secret): TOTP {
  return new TOTP({
    issuer: `Mshahara (${keychain.profile})`,
    label: username,
    algorithm: 'SHA1',
    digits,
    period,
    secret,
  });
}

/** The acting person must be the account's owner or an enabled admin. */
function requireSelfOrAdmin(db: ProfileDatabase, target: AccountRow, actor: string, doing: string): void {
  if (actor.trim().toLowerCase() === target.username.toLowerCase() && target.disabled_at === null) return;
  const acting = accountRowByName(db, actor);
  if (acting !== undefined && acting.disabled_at === null && rolesOf(db, acting.id).includes('admin')) return;
  throw new ValidationError(`Only ${target.username} or an admin can ${doing}.`, { code: 'role_needed' });
}

export interface TotpEnrolment {
  /** otpauth://totp/… for a QR code: shown once, never stored by Mshahara outside the keychain. */
  uri: string;
}

/**
 * Starts enrolment: a new secret in the keychain, and its otpauth:// address for the person's
 * authenticator app. The second factor is on only once `confirmTotp` has seen a first code.
 */
export async function enrolTotp(
  db: ProfileDatabase,
  keychain: ProfileKeychain,
  username: string,
  actor: string,
): Promise<TotpEnrolment> {
  const row = requireAccountRow(db, username);
  requireSelfOrAdmin(db, row, actor, 'set up a second factor for this account');
  if (row.totp_enabled === 1)
    throw new ValidationError(
      `${row.username} already has a second factor; remove it first to move it to another phone.`,
    );
  const secret = new Secret({ size: 20 });
  await keychain.store.set(keychain.profile, totpSecretName(row.id), secret.base32);
  appendAudit(db, {
    actor: actor.trim(),
    action: 'account.totp_enrolment_started',
    entity: 'account',
    entityId: row.id,
    details: { username: row.username },
  });
  return { uri: totpFor(keychain, row.username, secret).toString() };
}

/** The time step a code belongs to, or null when it is not a current code for this secret. */
function matchingStep(
  keychain: ProfileKeychain,
  username: string,
  secretText: string,
  code: string,
  now: Date,
): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const totp = totpFor(keychain, username, Secret.fromBase32(secretText));
  const delta = totp.validate({ token, timestamp: now.getTime(), window });
  if (delta === null) return null;
  return totp.counter({ timestamp: now.getTime() }) + delta;
}

/** Spends a step: true only the first time, so a code cannot be used twice (even by two doors at once). */
function spendStep(db: ProfileDatabase, accountId: number, step: number): boolean {
  return (
    db
      .prepare('UPDATE accounts SET totp_last_step = ? WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)')
      .run(step, accountId, step).changes === 1
  );
}

/** Turns the second factor on once the person's app shows a code that matches the new secret. */
export async function confirmTotp(
  db: ProfileDatabase,
  keychain: ProfileKeychain,
  username: string,
  code: string,
  actor: string,
  now = new Date(),
): Promise<void> {
  const row = requireAccountRow(db, username);
  requireSelfOrAdmin(db, row, actor, 'set up a second factor for this account');
  if (row.totp_enabled === 1) throw new ValidationError(`${row.username}'s second factor is already on.`);
  const secretText = await keychain.store.get(keychain.profile, totpSecretName(row.id));
  if (secretText === undefined)
    throw new ValidationError('Start setting up the second factor first, then type the code your app shows.');
  const step = matchingStep(keychain, row.username, secretText, code, now);
  if (step === null)
    throw new ValidationError(
      'That code does not match: type the 6 digits your authenticator app shows now, and check the phone’s clock.',
      { field: ['code'] },
    );
  db.transaction(() => {
    if (!spendStep(db, row.id, step))
      throw new ValidationError('That code was already used: wait for the next one.', { field: ['code'] });
    db.prepare('UPDATE accounts SET totp_enabled = 1 WHERE id = ?').run(row.id);
    appendAudit(db, {
      actor: actor.trim(),
      action: 'account.totp_enabled',
      entity: 'account',
      entityId: row.id,
      details: { username: row.username },
    });
  }).immediate();
}

/**
 * Checks a sign-in code: right for the account's secret within one step either side, and of a
 * step not used before. False for anything else (a missing secret included).
 */
export async function verifyTotpCode(
  db: ProfileDatabase,
  keychain: ProfileKeychain,
  accountId: number,
  username: string,
  code: string,
  now: Date,
): Promise<boolean> {
  const secretText = await keychain.store.get(keychain.profile, totpSecretName(accountId));
  if (secretText === undefined) return false;
  const step = matchingStep(keychain, username, secretText, code, now);
  return step !== null && spendStep(db, accountId, step);
}

/** Turns the second factor off (lost phone, new phone) and removes the secret from the keychain. */
export async function removeTotp(
  db: ProfileDatabase,
  keychain: ProfileKeychain,
  username: string,
  actor: string,
): Promise<void> {
  const row = requireAccountRow(db, username);
  requireSelfOrAdmin(db, row, actor, 'remove the second factor of this account');
  db.transaction(() => {
    db.prepare('UPDATE accounts SET totp_enabled = 0 WHERE id = ?').run(row.id);
    appendAudit(db, {
      actor: actor.trim(),
      action: 'account.totp_removed',
      entity: 'account',
      entityId: row.id,
      details: { username: row.username, wasOn: row.totp_enabled === 1 },
    });
  }).immediate();
  // After the database: were this to fail, a leftover secret is unused and the next enrolment replaces it.
  await keychain.store.delete(keychain.profile, totpSecretName(row.id));
}
