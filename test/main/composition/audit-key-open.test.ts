// Opening a profile that keeps credentials gives its audit log a key from the keychain, and every
// entry written from then on is sealed with it; the demo profile asks the keychain nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../src/main/db';
import { profileDatabasePath } from '../../../src/main/profiles';
import { testApi, type TestApi } from '../handlers/helpers';

describe('the audit key when a profile opens', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await testApi({ balanceOnOpen: false });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('is made for a sandbox profile and seals what is audited after the open', async () => {
    expect(await t.secrets.has('acme-sandbox', 'audit-key')).toBe(false);
    await t.call('profiles.create', {
      kind: 'sandbox',
      name: 'acme-sandbox',
      shortcode: '600000',
      initiatorName: 'acmeapi',
      credentials: {
        consumerKey: 'sandbox-consumer-key-7c1e3f2a',
        consumerSecret: 'sandbox-consumer-secret-99d0b4e1',
        initiatorPassword: 'Initiator-Pass-2026!',
      },
    });
    expect(await t.secrets.get('acme-sandbox', 'audit-key')).toMatch(/^hmac-sha256:[0-9a-f]{64}:\d+$/);
    await t.call('workers.add', { name: 'John Doe', phone: '0712345678', defaultAmountCents: 12_000_00 });

    const db = openDatabase(profileDatabasePath('acme-sandbox', t.dataRoot));
    try {
      const kinds = db.prepare('SELECT hash_kind FROM audit_log ORDER BY id').all() as { hash_kind: string | null }[];
      expect(kinds.length).toBeGreaterThan(0);
      expect(kinds.every((row) => row.hash_kind === 'hmac-sha256')).toBe(true);
    } finally {
      closeDatabase(db);
    }
  });

  it('is not made for the demo profile', async () => {
    await t.call('profiles.create', { kind: 'demo' });
    await t.call('workers.add', { name: 'Jane Wanjiru', phone: '0712345679', defaultAmountCents: 9_000_00 });
    expect(await t.secrets.has('demo', 'audit-key')).toBe(false);
    const db = openDatabase(profileDatabasePath('demo', t.dataRoot));
    try {
      const kinds = db.prepare('SELECT DISTINCT hash_kind FROM audit_log').all();
      expect(kinds).toEqual([{ hash_kind: null }]);
    } finally {
      closeDatabase(db);
    }
  });
});
