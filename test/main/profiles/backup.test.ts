// Backing up a profile and restoring it, against a real (private) OS keychain: the file holds the
// database, profile.json, the certificate and every keychain secret of the profile, none of them in
// clear; a wrong passphrase changes nothing; restore makes a new profile that opens with its
// history, its secrets back in the keychain and its audit chain whole.
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCredentials, startSimulator, type RunningSimulator } from '../../../src/simulator';
import { openCore, type ProfileCore } from '../../../src/main/handlers';
import { backupProfile, restoreProfile } from '../../../src/main/profiles/backup';
import { createProfile, listProfiles, loadProfile } from '../../../src/main/profiles';
import { keepProfileCertificate } from '../../../src/main/profiles/certificate';
import { KeytarSecretStore } from '../../../src/main/secrets/keytar-store';
import { totpSecretName } from '../../../src/main/secrets/secret-store';
import { countWorkers } from '../../../src/main/payroll/workers';
import { addSampleWorkers } from '../../../src/main/payroll/sample-workers';
import { verifyAuditChain } from '../../../src/main/ledger/audit';
import { startPrivateKeyring, type PrivateKeyring } from '../../helpers/keyring';
import { seedPeople } from '../../helpers/people';

const store = new KeytarSecretStore();
const passphrase = 'long enough passphrase 2026';
const secretsOfLab = {
  'consumer-key': 'lab-consumer-key-Q1w2E3r4',
  'consumer-secret': 'lab-consumer-secret-T5y6U7i8',
  'initiator-password': 'Lab-Initiator-Pass-9o0p',
  'stk-passkey': 'lab-stk-passkey-a1s2d3f4g5',
} as const;
const totpSecret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

let keyring: PrivateKeyring;
let simulator: RunningSimulator;
let dataRoot: string;
let core: ProfileCore;
let backup: Buffer;
let workersBefore = 0;
let totpName = '';

beforeAll(async () => {
  keyring = await startPrivateKeyring();
  simulator = await startSimulator({ seed: 11 });
  dataRoot = await mkdtemp(join(tmpdir(), 'mshahara-backup-'));
  createProfile(
    {
      name: 'lab',
      kind: 'custom',
      baseUrl: simulator.baseUrl,
      shortcode: defaultCredentials.shortcode,
      initiatorName: defaultCredentials.initiatorName,
      certificate: keepProfileCertificate(dataRoot, 'lab', new Uint8Array(Buffer.from(simulator.certificatePem))),
    },
    dataRoot,
  );
  for (const [name, value] of Object.entries(secretsOfLab)) await store.set('lab', name as never, value);
  core = await openCore('lab', { dataRoot, secrets: store });
  const people = await seedPeople(core.db);
  totpName = totpSecretName(people.approver.accountId);
  await store.set('lab', totpName as never, totpSecret);
  addSampleWorkers(core.db, 'wanjiru');
  workersBefore = countWorkers(core.db);
});
afterAll(async () => {
  await core?.close();
  await simulator?.close();
  await keyring?.stop();
  if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
});

describe('a profile backup', () => {
  it('refuses a short passphrase', async () => {
    await expect(
      backupProfile({ db: core.db, profile: core.profile, secrets: store, passphrase: 'short' }),
    ).rejects.toThrow(/at least 12 characters/);
  });

  it('holds every secret of the profile, none of them in clear', async () => {
    const made = await backupProfile({ db: core.db, profile: core.profile, secrets: store, passphrase });
    backup = made.file;
    expect(made.summary.secrets).toEqual([...Object.keys(secretsOfLab), 'audit-key', totpName].sort());
    const auditKey = (await store.get('lab', 'audit-key')) ?? '';
    expect(auditKey).not.toBe('');
    const text = backup.toString('latin1');
    for (const secret of [...Object.values(secretsOfLab), totpSecret, auditKey, auditKey.split(':')[1] ?? '']) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(Buffer.from(secret).toString('base64'));
      expect(text).not.toContain(Buffer.from(secret).toString('hex'));
    }
    // Nor the database in clear: a worker's name or SQLite's own header.
    expect(text).not.toContain('SQLite format 3');
    expect(text.split('\n')[0]).toMatch(/^\{"format":"MSHAHARA-PROFILE-BACKUP","version":1/);
  });

  it('refuses a wrong passphrase clearly, and changes nothing', async () => {
    const profilesBefore = listProfiles(dataRoot);
    await expect(
      restoreProfile({
        file: backup,
        passphrase: 'not the passphrase at all',
        secrets: store,
        dataRoot,
        name: 'lab-copy',
      }),
    ).rejects.toThrow(/The passphrase is wrong, or the file was changed since it was made: nothing was restored/);
    expect(listProfiles(dataRoot)).toEqual(profilesBefore);
    expect(await store.get('lab-copy', 'consumer-key')).toBeUndefined();
    expect(readdirSync(join(dataRoot, 'profiles')).filter((f) => f.startsWith('.restoring'))).toEqual([]);
  });

  it('refuses a changed file as it refuses a wrong passphrase', async () => {
    const changed = Buffer.from(backup);
    changed[changed.length - 40] = (changed[changed.length - 40] ?? 0) ^ 1;
    await expect(
      restoreProfile({ file: changed, passphrase, secrets: store, dataRoot, name: 'lab-copy' }),
    ).rejects.toThrow(/nothing was restored/);
  });

  it('refuses to restore over a profile that exists', async () => {
    await expect(restoreProfile({ file: backup, passphrase, secrets: store, dataRoot })).rejects.toThrow(
      /A profile named "lab" already exists/,
    );
    expect(await store.get('lab', 'consumer-key')).toBe(secretsOfLab['consumer-key']);
  });

  it('restores as a new profile that opens with its history and its secrets', async () => {
    const restored = await restoreProfile({ file: backup, passphrase, secrets: store, dataRoot, name: 'lab-copy' });
    expect(restored).toMatchObject({ from: 'lab', settings: { name: 'lab-copy', kind: 'custom' } });
    expect(listProfiles(dataRoot)).toEqual(['lab', 'lab-copy']);
    // The certificate now lives in the new profile's own folder.
    const settings = loadProfile('lab-copy', dataRoot);
    expect(settings.certificate).toEqual({ path: join(dataRoot, 'profiles', 'lab-copy', 'daraja-certificate.cer') });
    expect(existsSync(join(dataRoot, 'profiles', 'lab-copy', 'daraja-certificate.cer'))).toBe(true);
    for (const [name, value] of Object.entries(secretsOfLab))
      expect(await store.get('lab-copy', name as never)).toBe(value);
    expect(await store.get('lab-copy', 'audit-key')).toBe(await store.get('lab', 'audit-key'));
    expect(await store.get('lab-copy', totpName as never)).toBe(totpSecret);

    const copy = await openCore('lab-copy', { dataRoot, secrets: store });
    try {
      expect(countWorkers(copy.db)).toBe(workersBefore);
      // The chain is sealed with the restored audit key: whole, not "unkeyed" or edited.
      expect(verifyAuditChain(copy.db)).toMatchObject({ ok: true });
    } finally {
      await copy.close();
    }
  });
});
