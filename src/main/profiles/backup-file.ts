// The sealed form of a profile backup: a version header in clear (what is needed to open it and
// nothing secret), then the contents, gzipped and encrypted with AES-256-GCM under a key derived
// from the admin's passphrase with scrypt. The header is authenticated with the contents (GCM's
// additional data), so a changed header is refused like a changed body or a wrong passphrase.
import {
  createCipheriv,
  createDecipheriv,
  randomBytes,
  scrypt as scryptCallback,
  type ScryptOptions,
} from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { ValidationError } from '../../shared/errors';

/** The first bytes of every backup file, so a wrong file is told apart from a wrong passphrase. */
export const backupMagic = 'MSHAHARA-PROFILE-BACKUP';
export const backupVersion = 1;
/** A passphrase shorter than this is refused: the file may travel on a USB stick or by e-mail. */
export const minPassphraseLength = 12;

const kdfDefaults = { N: 2 ** 15, r: 8, p: 1 } as const;

const header = z.object({
  format: z.literal(backupMagic),
  version: z.literal(backupVersion),
  kdf: z.object({
    name: z.literal('scrypt'),
    N: z
      .number()
      .int()
      .min(2 ** 14)
      .max(2 ** 20),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
    salt: z.string().min(16),
  }),
  cipher: z.literal('aes-256-gcm'),
  nonce: z.string().min(16),
});
type BackupHeader = z.output<typeof header>;

export function checkPassphrase(passphrase: string): void {
  if ([...passphrase].length < minPassphraseLength)
    throw new ValidationError(
      `Choose a passphrase of at least ${minPassphraseLength} characters: the backup holds the profile's keys and passwords.`,
    );
}

function deriveKey(passphrase: string, salt: Buffer, kdf: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...kdf, maxmem: 256 * kdf.N * kdf.r + 16 * 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCallback(passphrase.normalize('NFC'), salt, 32, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** Seals `contents` under `passphrase`: header line, then ciphertext, then GCM's 16-byte tag. */
export async function sealBackup(contents: Buffer, passphrase: string): Promise<Buffer> {
  checkPassphrase(passphrase);
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const head: BackupHeader = {
    format: backupMagic,
    version: backupVersion,
    kdf: { name: 'scrypt', ...kdfDefaults, salt: salt.toString('base64') },
    cipher: 'aes-256-gcm',
    nonce: nonce.toString('base64'),
  };
  const headerBytes = Buffer.from(`${JSON.stringify(head)}\n`, 'utf8');
  const key = await deriveKey(passphrase, salt, kdfDefaults);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(headerBytes);
  const body = Buffer.concat([cipher.update(gzipSync(contents)), cipher.final()]);
  return Buffer.concat([headerBytes, body, cipher.getAuthTag()]);
}

/** Opens a sealed backup; a wrong passphrase or a changed file is one clear refusal. */
export async function openBackup(file: Uint8Array, passphrase: string): Promise<Buffer> {
  const bytes = Buffer.from(file);
  const newline = bytes.indexOf(0x0a);
  const notABackup = new ValidationError('This file is not a Mshahara profile backup.');
  if (newline < 0 || !bytes.subarray(0, newline).toString('utf8').includes(backupMagic)) throw notABackup;
  let parsedHeader: BackupHeader;
  try {
    const parsed = header.safeParse(JSON.parse(bytes.subarray(0, newline).toString('utf8')));
    if (!parsed.success)
      throw new ValidationError('This backup was made by another version of Mshahara, or its header is damaged.');
    parsedHeader = parsed.data;
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw notABackup;
  }
  const headerBytes = bytes.subarray(0, newline + 1);
  const rest = bytes.subarray(newline + 1);
  if (rest.length < 16) throw new ValidationError('This backup is cut short: it holds no profile.');
  const key = await deriveKey(passphrase, Buffer.from(parsedHeader.kdf.salt, 'base64'), parsedHeader.kdf);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parsedHeader.nonce, 'base64'));
  decipher.setAAD(headerBytes);
  decipher.setAuthTag(rest.subarray(rest.length - 16));
  let gzipped: Buffer;
  try {
    gzipped = Buffer.concat([decipher.update(rest.subarray(0, rest.length - 16)), decipher.final()]);
  } catch {
    throw new ValidationError(
      'The passphrase is wrong, or the file was changed since it was made: nothing was restored.',
    );
  }
  return gunzipSync(gzipped);
}
