// The OS keychain behind SecretStore, through keytar (macOS Keychain, Windows Credential Manager,
// a Secret Service such as gnome-keyring on Linux). Errors name the entry, never its value.
import keytar from 'keytar';
import { InternalError, UnavailableError } from '../../shared/errors';
import type { Profile } from '../../shared/contract';
import { keychainAccount, keychainService, type SecretName, type SecretStore } from './secret-store';

// What libsecret/D-Bus say when there is no keychain to talk to, or it cannot be used right now.
const keychainMissing = [
  /D-?Bus/i,
  /\$DISPLAY/,
  /org\.freedesktop\.secrets/,
  /locked collection/i,
  /Could not connect/i,
  /No such interface/i,
  /Prompt (was )?dismissed/i,
  /The given address is empty/i,
];

export const keychainHelp =
  'Mshahara keeps its credentials in the operating system keychain, and none answered. ' +
  'On Linux, install and start a Secret Service such as gnome-keyring or KeePassXC (with its Secret Service ' +
  'integration on), unlock it, and start Mshahara inside a desktop (D-Bus) session. ' +
  'On macOS (Keychain) and Windows (Credential Manager) the keychain is built in.';

export class KeytarSecretStore implements SecretStore {
  async get(profile: Profile, name: SecretName): Promise<string | undefined> {
    const account = keychainAccount(profile, name);
    const value = await this.call('read', account, () => keytar.getPassword(keychainService, account));
    return value ?? undefined;
  }

  async set(profile: Profile, name: SecretName, value: string): Promise<void> {
    const account = keychainAccount(profile, name);
    await this.call('save', account, () => keytar.setPassword(keychainService, account, value));
  }

  async delete(profile: Profile, name: SecretName): Promise<boolean> {
    const account = keychainAccount(profile, name);
    return this.call('remove', account, () => keytar.deletePassword(keychainService, account));
  }

  async has(profile: Profile, name: SecretName): Promise<boolean> {
    return (await this.get(profile, name)) !== undefined;
  }

  private async call<T>(verb: string, account: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      // keytar's messages come from libsecret/the OS and carry no secret value; ours add only the account.
      const reason = error instanceof Error ? error.message : String(error);
      if (keychainMissing.some((pattern) => pattern.test(reason))) {
        throw new UnavailableError(`Could not ${verb} ${account}: ${keychainHelp} (${reason})`, {
          code: 'keychain-unavailable',
        });
      }
      throw new InternalError(`The keychain refused to ${verb} ${account}: ${reason}`);
    }
  }
}
