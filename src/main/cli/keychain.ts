// The OS keychain for the CLI, loaded on first use: keytar is a native module, and commands that
// never touch a credential (demo payroll, exports) should not load it or need a keychain at all.
import type { Profile, SecretName, SecretStore } from '../secrets/secret-store';

export class OnDemandKeychain implements SecretStore {
  #store: Promise<SecretStore> | undefined;

  #open(): Promise<SecretStore> {
    this.#store ??= import('../secrets/keytar-store').then(({ KeytarSecretStore }) => new KeytarSecretStore());
    return this.#store;
  }

  async get(profile: Profile, name: SecretName): Promise<string | undefined> {
    return (await this.#open()).get(profile, name);
  }

  async set(profile: Profile, name: SecretName, value: string): Promise<void> {
    return (await this.#open()).set(profile, name, value);
  }

  async delete(profile: Profile, name: SecretName): Promise<boolean> {
    return (await this.#open()).delete(profile, name);
  }

  async has(profile: Profile, name: SecretName): Promise<boolean> {
    return (await this.#open()).has(profile, name);
  }
}
