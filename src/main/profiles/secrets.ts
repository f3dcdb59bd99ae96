// The credentials a profile needs from the OS keychain: one entry per profile per secret, under the
// profile's own name, so two profiles (sandbox and production) can never share or mix them.
import { ValidationError } from '../../shared/errors';
import type { SecretName, SecretStore } from '../secrets/secret-store';
import type { ProfileKind, ProfileSettings } from './profile';

export interface DarajaSecrets {
  consumerKey: string;
  consumerSecret: string;
  initiatorPassword: string;
  /** Only for M-Pesa Express (STK Push). */
  passkey: string | undefined;
}

/** The environment variables `init` reads credentials from; never flags, which land in shell history. */
export const secretEnvironmentVariables = {
  'consumer-key': 'MSHAHARA_CONSUMER_KEY',
  'consumer-secret': 'MSHAHARA_CONSUMER_SECRET',
  'initiator-password': 'MSHAHARA_INITIATOR_PASSWORD',
  'stk-passkey': 'MSHAHARA_STK_PASSKEY',
} as const satisfies Partial<Record<SecretName, string>>;

export type CredentialName = keyof typeof secretEnvironmentVariables;
export const requiredCredentials: readonly CredentialName[] = ['consumer-key', 'consumer-secret', 'initiator-password'];

/** Whether a profile kind keeps Daraja credentials in the keychain (demo uses the simulator's public test values). */
export function needsCredentials(kind: ProfileKind): boolean {
  switch (kind) {
    case 'demo':
      return false;
    case 'sandbox':
    case 'production':
    case 'custom':
      return true;
    default: {
      const unexpected: never = kind;
      throw new ValidationError(`Unknown profile kind ${String(unexpected)}`);
    }
  }
}

/** Saves credentials for a profile; refuses a demo profile, which uses the simulator's public test values. */
export async function saveProfileSecrets(
  store: SecretStore,
  profile: ProfileSettings,
  values: Partial<Record<CredentialName, string>>,
): Promise<CredentialName[]> {
  if (!needsCredentials(profile.kind))
    throw new ValidationError('A demo profile needs no credentials: it pays through the simulator.');
  const slot = profile.name;
  const saved: CredentialName[] = [];
  for (const name of Object.keys(secretEnvironmentVariables) as CredentialName[]) {
    const value = values[name];
    if (value === undefined || value === '') continue;
    await store.set(slot, name, value);
    saved.push(name);
  }
  return saved;
}

/** Reads a profile's credentials; a missing one is a clear error naming it (never its value). */
export async function readProfileSecrets(store: SecretStore, profile: ProfileSettings): Promise<DarajaSecrets> {
  if (!needsCredentials(profile.kind)) throw new ValidationError('A demo profile has no credentials in the keychain.');
  const slot = profile.name;
  const missing: CredentialName[] = [];
  const read = async (name: CredentialName): Promise<string> => {
    const value = await store.get(slot, name);
    if (value === undefined || value === '') missing.push(name);
    return value ?? '';
  };
  const consumerKey = await read('consumer-key');
  const consumerSecret = await read('consumer-secret');
  const initiatorPassword = await read('initiator-password');
  const passkey = await store.get(slot, 'stk-passkey');
  if (missing.length > 0) {
    throw new ValidationError(
      `The ${profile.kind} profile "${profile.name}" has no ${missing.join(', ')} in the keychain. ` +
        `Set ${missing.map((n) => secretEnvironmentVariables[n]).join(', ')} and run: npm run cli -- init --profile ${profile.name} --kind ${profile.kind} --update-secrets`,
    );
  }
  return { consumerKey, consumerSecret, initiatorPassword, passkey: passkey === '' ? undefined : passkey };
}
