// What Mshahara keeps in the OS keychain and the one interface every caller uses to reach it
// (DESIGN §6): one entry per profile per secret, never in SQLite, logs, exports or errors.
import type { Profile } from '../../shared/contract';
import { profiles } from '../../shared/contract';
import { ValidationError } from '../../shared/errors';

export const secretNames = [
  'consumer-key',
  'consumer-secret',
  'initiator-password',
  'stk-passkey',
  'relay-token',
  'channel-private-key',
] as const;

export type SecretName = (typeof secretNames)[number];

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
  if (!(profiles as readonly string[]).includes(profile)) {
    throw new ValidationError(`"${String(profile)}" is not a Mshahara profile (demo, sandbox or production).`);
  }
  if (!(secretNames as readonly string[]).includes(name)) {
    throw new ValidationError(`"${String(name)}" is not a secret Mshahara keeps.`);
  }
  return `${profile}/${name}`;
}
