// Looking after a profile through the contract, as the admin: new credentials tested with M-Pesa
// before they replace the old ones (a refusal keeps the old, the untestable kept only when asked
// and marked untested, no value ever in the audit log), a profile added without leaving the one in
// use, a backup restored as a new profile, and M-Pesa out of reach told to every page and cleared
// when it answers again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCredentials, startSimulator, type RunningSimulator } from '../../../src/simulator';
import { createProfile, listProfiles } from '../../../src/main/profiles';
import { testApi, type TestApi } from './helpers';

let t: TestApi;
let simulator: RunningSimulator;
const oldPassword = 'an-old-initiator-password';

beforeAll(async () => {
  simulator = await startSimulator({ seed: 21, faults: { callbackDelayMs: { min: 10, max: 30 } } });
  t = await testApi({ balanceOnOpen: false });
  createProfile(
    {
      name: 'lab',
      kind: 'custom',
      baseUrl: simulator.baseUrl,
      shortcode: defaultCredentials.shortcode,
      initiatorName: defaultCredentials.initiatorName,
      certificate: 'simulator',
    },
    t.dataRoot,
  );
  await t.secrets.set('lab', 'consumer-key', defaultCredentials.consumerKey);
  await t.secrets.set('lab', 'consumer-secret', defaultCredentials.consumerSecret);
  await t.secrets.set('lab', 'initiator-password', oldPassword);
  await t.api.session.select('lab');
});
afterAll(async () => {
  await t?.stop();
  await simulator?.close();
});

async function auditOf(action: string): Promise<string> {
  const page = await t.call('audit.list', { limit: 50, offset: 0, filter: { action } });
  return JSON.stringify(page);
}

describe('rotating the credentials of the profile in use', () => {
  it('keeps the old ones when M-Pesa refuses the new consumer secret', async () => {
    const result = await t.call('profiles.rotateCredentials', { consumerSecret: 'a-wrong-new-secret-77' });
    expect(result).toMatchObject({ replaced: false, outcome: 'refused' });
    expect(result.checks).toEqual([expect.objectContaining({ what: 'Consumer key and secret', status: 'failed' })]);
    expect(await t.secrets.get('lab', 'consumer-secret')).toBe(defaultCredentials.consumerSecret);
    const audit = await auditOf('profile.credentials_kept');
    expect(audit).toContain('consumer-secret');
    expect(audit).not.toContain('a-wrong-new-secret-77');
  });

  it('replaces the initiator password once M-Pesa answered the balance query with it', async () => {
    const result = await t.call('profiles.rotateCredentials', {
      initiatorPassword: defaultCredentials.initiatorPassword,
    });
    expect(result).toMatchObject({ replaced: true, outcome: 'verified' });
    expect(result.checks).toEqual([expect.objectContaining({ what: 'Initiator name and password', status: 'passed' })]);
    expect(await t.secrets.get('lab', 'initiator-password')).toBe(defaultCredentials.initiatorPassword);
    expect(result.profile.credentialCheck).toMatchObject({ outcome: 'verified', changed: ['initiator-password'] });
    // The profile runs with them now: the whole connection test passes.
    expect(await t.call('setup.testConnection', {})).toMatchObject({ ok: true });
    const audit = await auditOf('profile.credentials_rotated');
    expect(audit).toContain('initiator-password');
    expect(audit).not.toContain(defaultCredentials.initiatorPassword);
  });

  it('keeps an STK passkey, which nothing but a customer can test, only when asked, marked untested', async () => {
    const notKept = await t.call('profiles.rotateCredentials', { stkPasskey: 'new-passkey-1234567' });
    expect(notKept).toMatchObject({ replaced: false, outcome: 'not_kept' });
    expect(await t.secrets.get('lab', 'stk-passkey')).toBeUndefined();

    const kept = await t.call('profiles.rotateCredentials', { stkPasskey: 'new-passkey-1234567', keepUntested: true });
    expect(kept).toMatchObject({ replaced: true, outcome: 'untested' });
    expect(kept.message).toMatch(/UNTESTED/);
    expect(kept.profile.credentialCheck).toMatchObject({ outcome: 'untested', changed: ['stk-passkey'] });
    expect(await t.secrets.get('lab', 'stk-passkey')).toBe('new-passkey-1234567');
  });
});

describe('adding, backing up and restoring profiles', () => {
  it('adds a sandbox profile without leaving the one in use, and tests its key honestly', async () => {
    const added = await t.call('profiles.create', {
      kind: 'sandbox',
      name: 'acme-sandbox',
      shortcode: '600000',
      initiatorName: 'madeup',
      credentials: { consumerKey: 'made-up-key', consumerSecret: 'made-up-secret', initiatorPassword: 'made-up-pw' },
      open: false,
    });
    expect(added).toMatchObject({ name: 'acme-sandbox', current: false });
    expect(t.api.session.require().profile.name).toBe('lab');
    // This test machine has no network: Safaricom's sandbox cannot be reached, and the test says so.
    const test = await t.call('setup.testConnection', { name: 'acme-sandbox' });
    expect(test.ok).toBe(false);
    expect(test.steps[0]?.status).not.toBe('passed');
    expect(t.api.session.require().profile.name).toBe('lab');
  });

  it('backs the profile up and restores it under a new name, the open one untouched', async () => {
    const passphrase = 'a passphrase for this test';
    const backup = await t.call('profiles.backup', { passphrase });
    expect(backup.fileName).toMatch(/^mshahara-lab-backup_.*\.mshbackup$/);
    expect(backup.secrets).toEqual(expect.arrayContaining(['consumer-key', 'initiator-password', 'audit-key']));
    const content = backup.contentBase64 ?? '';
    expect(Buffer.from(content, 'base64').toString('latin1')).not.toContain(defaultCredentials.consumerSecret);

    await expect(
      t.call('profiles.restore', {
        fileName: backup.fileName,
        contentBase64: content,
        passphrase: 'wrong one!!',
        name: 'lab-2',
      }),
    ).rejects.toThrow(/passphrase is wrong/);
    expect(listProfiles(t.dataRoot)).not.toContain('lab-2');

    const restored = await t.call('profiles.restore', {
      fileName: backup.fileName,
      contentBase64: content,
      passphrase,
      name: 'lab-2',
    });
    expect(restored).toMatchObject({ from: 'lab', profile: { name: 'lab-2', kind: 'custom', current: false } });
    expect(await t.secrets.get('lab-2', 'consumer-secret')).toBe(defaultCredentials.consumerSecret);
    expect(t.api.session.require().profile.name).toBe('lab');
    expect(await auditOf('profile.restored')).toContain('lab-2');
    expect(await auditOf('profile.backed_up')).toContain('consumer-key');
  });
});

describe('M-Pesa out of reach', () => {
  it('is told to every page while calls get no answer, and cleared when M-Pesa answers again', async () => {
    expect(await t.call('connection.status', {})).toEqual({ unreachable: [] });
    const port = Number(new URL(simulator.baseUrl).port);
    const down = t.next('connection.changed', (e) => e.unreachable.length > 0);
    await simulator.close();
    await t.call('setup.testConnection', {}).catch(() => undefined);
    const event = await down;
    expect(event.unreachable).toEqual([expect.objectContaining({ target: 'mpesa', host: `http://127.0.0.1:${port}` })]);
    expect((await t.call('connection.status', {})).unreachable).toHaveLength(1);

    simulator = await startSimulator({ seed: 21, port });
    const up = t.next('connection.changed', (e) => e.unreachable.length === 0);
    const test = await t.call('setup.testConnection', {});
    expect(test.steps[0]?.status).toBe('passed');
    await up;
    expect(await t.call('connection.status', {})).toEqual({ unreachable: [] });
  });
});
