// A SecretStore held in this process's memory: demo mode (whose relay channel lives only as long as
// the app) and tests. Nothing is written anywhere; the values go when the process does.
import { keychainAccount, type SecretName, type SecretStore } from './secret-store';

type Profile = Parameters<SecretStore['get']>[0];

export class MemorySecretStore implements SecretStore {
  readonly #entries = new Map<string, string>();

  get(profile: Profile, name: SecretName): Promise<string | undefined> {
    return Promise.resolve(this.#entries.get(keychainAccount(profile, name)));
  }

  set(profile: Profile, name: SecretName, value: string): Promise<void> {
    this.#entries.set(keychainAccount(profile, name), value);
    return Promise.resolve();
  }

  delete(profile: Profile, name: SecretName): Promise<boolean> {
    return Promise.resolve(this.#entries.delete(keychainAccount(profile, name)));
  }

  has(profile: Profile, name: SecretName): Promise<boolean> {
    return Promise.resolve(this.#entries.has(keychainAccount(profile, name)));
  }
}
