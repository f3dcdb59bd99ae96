// `profiles backup` and `profiles restore` on the command line: an admin backs a keyed sandbox
// profile up with the passphrase from the environment; an officer is refused; the file holds no
// secret in clear; a wrong passphrase restores nothing; the right one makes a new profile whose
// secrets are back in the keychain and whose audit log still verifies.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attachAuditKey } from '../../../src/main/composition/audit-key';
import { closeDatabase, openDatabase } from '../../../src/main/db';
import { verifyAuditChain } from '../../../src/main/ledger/audit';
import { createProfile, listProfiles, profileDatabasePath } from '../../../src/main/profiles';
import { seedPeople } from '../../helpers/people';
import { cli, freshDataFolderEachTest, signedIn } from './cli-helpers';

const folder = freshDataFolderEachTest();
const passphrase = 'Mvua ya Novemba ni nyingi';
const consumerSecret = 'cli-consumer-secret-0Q9w8E7r';

async function keyedSandbox(): Promise<void> {
  createProfile({ name: 'acme', kind: 'sandbox', shortcode: '600000', initiatorName: 'apiop' });
  await folder.secrets.set('acme', 'consumer-key', 'cli-consumer-key-1a2b3c');
  await folder.secrets.set('acme', 'consumer-secret', consumerSecret);
  await folder.secrets.set('acme', 'initiator-password', 'Cli-Initiator-4d5e6f');
  const db = openDatabase(profileDatabasePath('acme'));
  try {
    await attachAuditKey(db, folder.secrets, 'acme');
    await seedPeople(db);
  } finally {
    closeDatabase(db);
  }
}

describe('profiles backup and restore', () => {
  it('backs up for an admin only, restores only with the passphrase, as a new profile', async () => {
    await keyedSandbox();
    const file = join(folder.dataDir, 'acme.mshbackup');
    const env = { ...signedIn, MSHAHARA_BACKUP_PASSPHRASE: passphrase };

    const officer = await cli(['profiles', 'backup', file, '--profile', 'acme', '--user', 'amina'], {
      secrets: folder.secrets,
      env,
    });
    expect(officer.code).toBe(1);
    expect(officer.err).toMatch(/admin/i);

    const made = await cli(['profiles', 'backup', file, '--profile', 'acme', '--user', 'wanjiru', '--json'], {
      secrets: folder.secrets,
      env,
    });
    expect(made.code).toBe(0);
    expect(JSON.parse(made.out)).toMatchObject({ profile: 'acme', kind: 'sandbox' });
    expect(readFileSync(file).toString('latin1')).not.toContain(consumerSecret);

    const wrong = await cli(
      ['profiles', 'restore', file, '--name', 'acme-copy', '--profile', 'acme', '--user', 'wanjiru'],
      {
        secrets: folder.secrets,
        env: { ...signedIn, MSHAHARA_BACKUP_PASSPHRASE: 'not the right passphrase' },
      },
    );
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/passphrase is wrong/);
    expect(listProfiles()).toEqual(['acme']);

    const restored = await cli(
      ['profiles', 'restore', file, '--name', 'acme-copy', '--profile', 'acme', '--user', 'wanjiru'],
      { secrets: folder.secrets, env },
    );
    expect(restored.code).toBe(0);
    expect(restored.out).toContain('Restored "acme" as the profile "acme-copy"');
    expect(listProfiles()).toEqual(['acme', 'acme-copy']);
    expect(await folder.secrets.get('acme-copy', 'consumer-secret')).toBe(consumerSecret);
    const copy = openDatabase(profileDatabasePath('acme-copy'));
    try {
      await attachAuditKey(copy, folder.secrets, 'acme-copy');
      expect(verifyAuditChain(copy)).toMatchObject({ ok: true });
    } finally {
      closeDatabase(copy);
    }
  });
});
