// Profiles: where the data folder is, which names are accepted, what profile.json holds (never a
// secret), and how credentials are kept per profile in the keychain.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../src/shared/errors';
import {
  createProfile,
  dataFolder,
  demoOrganisation,
  listProfiles,
  loadProfile,
  profileDatabasePath,
  profileFolder,
  readProfileSecrets,
  saveProfileSecrets,
  validateProfileName,
} from '../../../src/main/profiles';
import { MemorySecretStore } from '../../../src/main/secrets/memory-store';
import { defaultCredentials } from '../../../src/simulator';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mshahara-profiles-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('data folder', () => {
  it('is MSHAHARA_DATA_DIR when set, else the system application-data folder', () => {
    expect(dataFolder({ MSHAHARA_DATA_DIR: '/srv/mshahara' }, 'linux')).toBe('/srv/mshahara');
    expect(dataFolder({}, 'linux')).toBe(join(homedir(), '.config', 'Mshahara'));
    expect(dataFolder({ XDG_CONFIG_HOME: '/x/config' }, 'linux')).toBe(join('/x/config', 'Mshahara'));
    expect(dataFolder({}, 'darwin')).toBe(join(homedir(), 'Library', 'Application Support', 'Mshahara'));
    expect(dataFolder({ APPDATA: 'C:\\Users\\wanjiru\\AppData\\Roaming' }, 'win32')).toBe(
      join('C:\\Users\\wanjiru\\AppData\\Roaming', 'Mshahara'),
    );
  });
});

describe('profile names', () => {
  it('accepts short lower-case folder-safe names', () => {
    for (const name of ['demo', 'acme-payroll', 'shop_2', '9']) expect(validateProfileName(name)).toBe(name);
  });
  it('refuses names that could escape the data folder, collide on case-insensitive disks, or that Windows reserves', () => {
    for (const name of ['', '../etc', 'a/b', 'Acme', '-x', '.hidden', 'x'.repeat(41), 'con', 'lpt1', 'nul', 'a b']) {
      expect(() => validateProfileName(name), name).toThrow(ValidationError);
    }
  });
});

describe('profile folders', () => {
  it('creates a demo profile with the simulator defaults and one folder holding profile.json and the database', () => {
    const demo = createProfile({ name: 'demo', kind: 'demo' }, root);
    expect(demo).toMatchObject({
      kind: 'demo',
      baseUrl: null,
      certificate: 'simulator',
      shortcode: '600992',
      callbackPort: null,
    });
    expect(profileDatabasePath('demo', root)).toBe(join(profileFolder('demo', root), 'mshahara.sqlite'));
    expect(loadProfile('demo', root)).toEqual(demo);
    expect(listProfiles(root)).toEqual(['demo']);
  });

  it('gives the demo profile the simulator’s own organisation', () => {
    expect(demoOrganisation).toEqual({
      shortcode: defaultCredentials.shortcode,
      initiatorName: defaultCredentials.initiatorName,
      stkShortcode: defaultCredentials.stkShortcode,
    });
  });

  it('fills Safaricom URLs and bundled certificates by kind, and asks for what it cannot guess', () => {
    const sandbox = createProfile(
      { name: 'acme-sandbox', kind: 'sandbox', shortcode: '600000', initiatorName: 'apiop' },
      root,
    );
    expect(sandbox).toMatchObject({ baseUrl: 'https://sandbox.safaricom.co.ke', certificate: 'bundled-sandbox' });
    const production = createProfile(
      { name: 'acme', kind: 'production', shortcode: '3001234', initiatorName: 'apiop' },
      root,
    );
    expect(production).toMatchObject({ baseUrl: 'https://api.safaricom.co.ke', certificate: 'bundled-production' });
    expect(() => createProfile({ name: 'no-shortcode', kind: 'production', initiatorName: 'apiop' }, root)).toThrow(
      /shortcode/,
    );
    expect(() =>
      createProfile({ name: 'no-url', kind: 'custom', shortcode: '600000', initiatorName: 'x' }, root),
    ).toThrow(/base URL/);
    expect(listProfiles(root)).toEqual(['acme', 'acme-sandbox']);
  });

  it('refuses a second profile with the same name and leaves the first as it was', () => {
    createProfile({ name: 'acme', kind: 'demo' }, root);
    const before = readFileSync(join(profileFolder('acme', root), 'profile.json'), 'utf8');
    expect(() =>
      createProfile({ name: 'acme', kind: 'sandbox', shortcode: '600000', initiatorName: 'x' }, root),
    ).toThrow(ConflictError);
    expect(readFileSync(join(profileFolder('acme', root), 'profile.json'), 'utf8')).toBe(before);
  });

  it('names a missing profile and refuses a hand-edited profile.json that is wrong', () => {
    expect(() => loadProfile('nobody', root)).toThrow(NotFoundError);
    createProfile({ name: 'acme', kind: 'demo' }, root);
    const file = join(profileFolder('acme', root), 'profile.json');
    const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...settings, sendRatePerSecond: -5 }));
    expect(() => loadProfile('acme', root)).toThrow(/sendRatePerSecond/);
    writeFileSync(file, JSON.stringify({ ...settings, name: 'other' }));
    expect(() => loadProfile('acme', root)).toThrow(/folder is "acme"/);
    writeFileSync(file, '{not json');
    expect(() => loadProfile('acme', root)).toThrow(/not valid JSON/);
  });
});

describe('profile credentials', () => {
  it('keeps each profile’s credentials under its own name in the keychain, never in profile.json', async () => {
    const store = new MemorySecretStore();
    const sandbox = createProfile(
      { name: 'acme-sandbox', kind: 'sandbox', shortcode: '600000', initiatorName: 'apiop' },
      root,
    );
    const production = createProfile(
      { name: 'acme', kind: 'production', shortcode: '3001234', initiatorName: 'apiop' },
      root,
    );
    await saveProfileSecrets(store, sandbox, {
      'consumer-key': 'sandbox-key-1',
      'consumer-secret': 'sandbox-secret-1',
      'initiator-password': 'sandbox-pass-1',
    });
    await saveProfileSecrets(store, production, {
      'consumer-key': 'live-key-2',
      'consumer-secret': 'live-secret-2',
      'initiator-password': 'live-pass-2',
      'stk-passkey': 'live-passkey-2',
    });

    expect(await readProfileSecrets(store, sandbox)).toEqual({
      consumerKey: 'sandbox-key-1',
      consumerSecret: 'sandbox-secret-1',
      initiatorPassword: 'sandbox-pass-1',
      passkey: undefined,
    });
    expect(await readProfileSecrets(store, production)).toEqual({
      consumerKey: 'live-key-2',
      consumerSecret: 'live-secret-2',
      initiatorPassword: 'live-pass-2',
      passkey: 'live-passkey-2',
    });
    for (const name of ['acme', 'acme-sandbox']) {
      const text = readFileSync(join(profileFolder(name, root), 'profile.json'), 'utf8');
      expect(text).not.toMatch(/key-1|secret-1|pass-1|key-2|secret-2|pass-2/);
    }
  });

  it('says which credential is missing and how to set it, without any value', async () => {
    const store = new MemorySecretStore();
    const sandbox = createProfile(
      { name: 'acme-sandbox', kind: 'sandbox', shortcode: '600000', initiatorName: 'apiop' },
      root,
    );
    await store.set('acme-sandbox', 'consumer-key', 'only-the-key');
    const error = await readProfileSecrets(store, sandbox).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/consumer-secret, initiator-password/);
    expect((error as Error).message).toMatch(/MSHAHARA_CONSUMER_SECRET, MSHAHARA_INITIATOR_PASSWORD/);
    expect((error as Error).message).not.toContain('only-the-key');
  });

  it('gives a demo profile no credentials at all', async () => {
    const demo = createProfile({ name: 'demo', kind: 'demo' }, root);
    await expect(saveProfileSecrets(new MemorySecretStore(), demo, { 'consumer-key': 'x' })).rejects.toThrow(
      /demo profile needs no credentials/,
    );
  });
});
