// What Mshahara keeps in the OS keychain and the one interface every caller uses to reach it
// (docs/architecture.md#the-data): one entry per profile per secret, never in SQLite, logs, exports or errors.
import { ValidationError } from '../../shared/errors';

/** A profile's name, as the officer chose it ("demo", "sandbox", "acme-production"). */
export type Profile = string;

/** Profile names become keychain accounts and folder names: letters, digits, dashes, underscores. */
export const profileNamePattern = /^[a-z0-9][a-z0-9_-]{0,39}$/i;

export const secretNames = [
  'consumer-key',
  'consumer-secret',
  'initiator-password',
  'stk-passkey',
  'relay-token',
  'channel-private-key',
  // The relay's callback base URL: it carries the channel secret, so it is kept like one.
  'relay-callback-url',
  // The key that seals the profile's audit chain (src/main/composition/audit-key.ts).
  'audit-key',
] as const;

/** A local account's TOTP secret: one entry per account of the profile ("acme/totp-3"). */
export type TotpSecretName = `totp-${number}`;

export type SecretName = (typeof secretNames)[number] | TotpSecretName;

const totpSecretPattern = /^totp-[1-9][0-9]{0,15}$/;

/** The keychain entry holding one account's TOTP secret. */
export function totpSecretName(accountId: number): TotpSecretName {
  if (!Number.isSafeInteger(accountId) || accountId < 1) throw new ValidationError(`${accountId} is not an account.`);
  return `totp-${accountId}`;
}

/** The keychain service every Mshahara entry lives under. */
export const keychainService = 'Mshahara';

export interface SecretStore {
  /** The stored value, or undefined when this profile has no such secret yet. */
  get(profile: Profile, name: SecretName): Promise<string | undefined>;
  set(profile: Profile, name: SecretName, value: string): Promise<void>;
  /** True when an entry was removed; false when there was none. */
  delete(profile: Profile, name: SecretName): Promise<boolean>;
  has(profile: Profile, name: SecretName): Promise<boolean>;
}

/**
 * The keychain account for one secret of one profile, e.g. "sandbox/consumer-key". Checked at
 * run time too, because a typo here would silently mix sandbox and production credentials.
 */
export function keychainAccount(profile: Profile, name: SecretName): string {
  if (typeof profile !== 'string' || !profileNamePattern.test(profile)) {
    throw new ValidationError(
      `"${String(profile)}" is not a profile name: use up to 40 letters, digits, dashes or underscores, starting with a letter or digit.`,
    );
  }
  if (!(secretNames as readonly string[]).includes(name) && !totpSecretPattern.test(name)) {
    throw new ValidationError(`"${String(name)}" is not a secret Mshahara keeps.`);
  }
  return `${profile}/${name}`;
}
