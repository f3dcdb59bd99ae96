// Backing up a profile and restoring it (docs/architecture.md#profiles-and-the-keychain): one file
// holding a consistent copy of the profile's database (SQLite's online backup, taken while the
// profile runs), its profile.json and certificate, and every secret the keychain holds for it
// (credentials, relay keys, the audit key, each account's TOTP secret), sealed with the admin's
// passphrase (backup-file.ts). Nothing of it is in clear in the file.
//
// A demo's simulator keeps its state in a file it holds exclusively while it runs: it is not in the
// backup, so a restored demo starts with a fresh simulator (its float and record of payments anew).
//
// Restore makes a NEW profile (a name that does not exist yet): it never overwrites a profile, so a
// wrong file or passphrase cannot lose one. The folder is written under a temporary name and
// renamed only once the keychain holds every secret, so a failure leaves nothing half-made.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConflictError, ValidationError } from '../../shared/errors';
import type { ProfileDatabase } from '../db';
import { secretNames, totpSecretName, type SecretName, type SecretStore } from '../secrets/secret-store';
import { checkPassphrase, openBackup, sealBackup } from './backup-file';
import { profileSettings, validateProfileName, type ProfileSettings } from './profile';
import { profileDatabasePath, profileExists, profileFolder, profilesFolder } from './store';

const databaseFile = 'mshahara.sqlite';
const certificateFile = 'daraja-certificate.cer';

const manifest = z.object({
  profile: z.string(),
  kind: z.string(),
  madeAt: z.string(),
  settings: profileSettings,
  secrets: z.record(z.string(), z.string()),
  files: z.array(z.object({ name: z.enum([databaseFile, certificateFile]), size: z.number().int() })),
});
type Manifest = z.output<typeof manifest>;

export interface BackupSummary {
  profile: string;
  kind: ProfileSettings['kind'];
  /** Names of the keychain entries the file holds (never their values). */
  secrets: string[];
  databaseBytes: number;
}

/** Every keychain entry the profile may hold: the fixed ones, and one TOTP secret per account. */
function candidateSecrets(db: ProfileDatabase): SecretName[] {
  const accounts = db.prepare('SELECT id FROM accounts ORDER BY id').all() as Array<{ id: number }>;
  return [...secretNames, ...accounts.map((a) => totpSecretName(a.id))];
}

/** A consistent copy of the open database, taken with SQLite's online backup while the profile runs. */
async function copyDatabase(db: ProfileDatabase, scratch: string): Promise<Buffer> {
  const target = join(scratch, databaseFile);
  await db.backup(target);
  return readFileSync(target);
}

function pack(head: Manifest, blobs: Buffer[]): Buffer {
  const json = Buffer.from(JSON.stringify(head), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([length, json, ...blobs]);
}

function unpack(contents: Buffer): { head: Manifest; blobs: Map<string, Buffer> } {
  const damaged = new ValidationError('The backup opened, but its contents are damaged: nothing was restored.');
  if (contents.length < 4) throw damaged;
  const length = contents.readUInt32BE(0);
  let head: Manifest;
  try {
    head = manifest.parse(JSON.parse(contents.subarray(4, 4 + length).toString('utf8')));
  } catch {
    throw damaged;
  }
  const blobs = new Map<string, Buffer>();
  let offset = 4 + length;
  for (const file of head.files) {
    if (offset + file.size > contents.length) throw damaged;
    blobs.set(file.name, contents.subarray(offset, offset + file.size));
    offset += file.size;
  }
  if (offset !== contents.length || !blobs.has(databaseFile)) throw damaged;
  return { head, blobs };
}

/** Makes the sealed backup of an open profile. `db` is its open database (copied consistently while it runs). */
export async function backupProfile(options: {
  db: ProfileDatabase;
  profile: ProfileSettings;
  secrets: SecretStore;
  passphrase: string;
}): Promise<{ file: Buffer; summary: BackupSummary }> {
  const { db, profile, secrets, passphrase } = options;
  checkPassphrase(passphrase);
  const scratch = mkdtempSync(join(tmpdir(), 'mshahara-backup-'));
  try {
    const files: Array<{ name: Manifest['files'][number]['name']; bytes: Buffer }> = [
      { name: databaseFile, bytes: await copyDatabase(db, scratch) },
    ];
    if (typeof profile.certificate === 'object')
      files.push({ name: certificateFile, bytes: readFileSync(profile.certificate.path) });

    const kept: Record<string, string> = {};
    for (const name of candidateSecrets(db)) {
      const value = await secrets.get(profile.name, name);
      if (value !== undefined && value !== '') kept[name] = value;
    }
    const head: Manifest = {
      profile: profile.name,
      kind: profile.kind,
      madeAt: new Date().toISOString(),
      settings: profile,
      secrets: kept,
      files: files.map((f) => ({ name: f.name, size: f.bytes.length })),
    };
    const file = await sealBackup(
      pack(
        head,
        files.map((f) => f.bytes),
      ),
      passphrase,
    );
    return {
      file,
      summary: {
        profile: profile.name,
        kind: profile.kind,
        secrets: Object.keys(kept).sort(),
        databaseBytes: files[0]?.bytes.length ?? 0,
      },
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Restores a sealed backup as a new profile named `name` (default: the name it was backed up
 * under), putting its secrets back in the keychain. Refuses a name already in use.
 */
export async function restoreProfile(options: {
  file: Uint8Array;
  passphrase: string;
  secrets: SecretStore;
  dataRoot: string;
  name?: string | undefined;
}): Promise<{ settings: ProfileSettings; summary: BackupSummary; from: string }> {
  const contents = await openBackup(options.file, options.passphrase);
  const { head, blobs } = unpack(contents);
  const name = validateProfileName(options.name ?? head.profile);
  if (profileExists(name, options.dataRoot) || existsSync(profileFolder(name, options.dataRoot)))
    throw new ConflictError(
      `A profile named "${name}" already exists: restore the backup under a new name; nothing was changed.`,
    );
  const folder = profileFolder(name, options.dataRoot);
  const staging = join(profilesFolder(options.dataRoot), `.restoring-${name}-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  const written: SecretName[] = [];
  try {
    const certificate = blobs.get(certificateFile);
    const settings: ProfileSettings = profileSettings.parse({
      ...head.settings,
      name,
      // A loaded certificate lives in the profile's own folder: point at the new one.
      certificate: certificate === undefined ? head.settings.certificate : { path: join(folder, certificateFile) },
    });
    for (const [file, bytes] of blobs) writeFileSync(join(staging, file), bytes, { mode: 0o600 });
    writeFileSync(join(staging, 'profile.json'), `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
    for (const [secret, value] of Object.entries(head.secrets)) {
      const secretName = secret as SecretName;
      await options.secrets.set(name, secretName, value);
      written.push(secretName);
    }
    renameSync(staging, folder);
    if (!existsSync(profileDatabasePath(name, options.dataRoot)))
      throw new ValidationError('The restored profile has no database.');
    return {
      settings,
      from: head.profile,
      summary: {
        profile: name,
        kind: settings.kind,
        secrets: [...written].sort(),
        databaseBytes: blobs.get(databaseFile)?.length ?? 0,
      },
    };
  } catch (error) {
    // Nothing half-made: the secrets written so far and the staging folder go.
    for (const secret of written) await options.secrets.delete(name, secret).catch(() => false);
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}
