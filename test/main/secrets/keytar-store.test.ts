// KeytarSecretStore against a real gnome-keyring on a private D-Bus session.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../../src/main/secrets/keytar-store';
import { keychainService } from '../../../src/main/secrets/secret-store';
import { startPrivateKeyring, type PrivateKeyring } from '../../helpers/keyring';

const run = promisify(execFile);
let keyring: PrivateKeyring;

beforeAll(async () => {
  keyring = await startPrivateKeyring();
});
afterAll(async () => {
  await keyring?.stop();
});

describe('KeytarSecretStore', () => {
  const store = new KeytarSecretStore();

  it('saves, reads and removes a secret for a profile', async () => {
    expect(await store.has('sandbox', 'consumer-key')).toBe(false);
    expect(await store.get('sandbox', 'consumer-key')).toBeUndefined();

    await store.set('sandbox', 'consumer-key', 'sandbox-key-123');
    expect(await store.get('sandbox', 'consumer-key')).toBe('sandbox-key-123');
    expect(await store.has('sandbox', 'consumer-key')).toBe(true);

    await store.set('sandbox', 'consumer-key', 'sandbox-key-456');
    expect(await store.get('sandbox', 'consumer-key')).toBe('sandbox-key-456');

    expect(await store.delete('sandbox', 'consumer-key')).toBe(true);
    expect(await store.get('sandbox', 'consumer-key')).toBeUndefined();
    expect(await store.delete('sandbox', 'consumer-key')).toBe(false);
  });

  it('keeps each profile and each secret in its own keychain entry', async () => {
    await store.set('sandbox', 'initiator-password', 'sandbox-initiator');
    await store.set('production', 'initiator-password', 'production-initiator');
    await store.set('production', 'stk-passkey', 'production-passkey');

    expect(await store.get('sandbox', 'initiator-password')).toBe('sandbox-initiator');
    expect(await store.get('production', 'initiator-password')).toBe('production-initiator');
    expect(await store.get('sandbox', 'stk-passkey')).toBeUndefined();

    // The entries are findable by other tools under service "Mshahara", account "<profile>/<name>".
    expect(await keytar.getPassword(keychainService, 'production/stk-passkey')).toBe('production-passkey');
    const accounts = (await keytar.findCredentials(keychainService)).map((c) => c.account).sort();
    expect(accounts).toEqual(['production/initiator-password', 'production/stk-passkey', 'sandbox/initiator-password']);

    await store.delete('sandbox', 'initiator-password');
    expect(await store.get('production', 'initiator-password')).toBe('production-initiator');
  });

  it('refuses profile names that could escape their entry, and secrets it does not keep', async () => {
    await expect(store.get('../production', 'consumer-key')).rejects.toMatchObject({ kind: 'validation' });
    // @ts-expect-error a secret name that does not exist
    await expect(store.set('demo', 'password', 'x')).rejects.toMatchObject({ kind: 'validation' });
  });
});

describe('KeytarSecretStore without a keychain', () => {
  // libsecret caches its bus connection per process, so the missing keychain is tried in a child.
  const probe = resolve(import.meta.dirname, 'no-keychain-probe.ts');

  it.each([
    ['a bus address that points nowhere', { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/mshahara-bus' }],
    ['no D-Bus session at all', { DBUS_SESSION_BUS_ADDRESS: '', DISPLAY: '' }],
  ])('says what to install or start when there is %s', async (_case, env) => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', probe], {
      env: { ...process.env, ...env },
      cwd: resolve(import.meta.dirname, '../../..'),
    });
    const outcome = JSON.parse(stdout) as { name: string; kind: string; code: string; message: string };
    expect(outcome).toMatchObject({ name: 'UnavailableError', kind: 'unavailable', code: 'keychain-unavailable' });
    expect(outcome.message).toContain('sandbox/consumer-secret');
    expect(outcome.message).toMatch(/gnome-keyring or KeePassXC/);
    expect(outcome.message).toMatch(/unlock/);
    expect(outcome.message).not.toContain('do-not-leak-this-secret');
  });
});
