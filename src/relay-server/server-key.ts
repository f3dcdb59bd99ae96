// The relay's own secret, kept in a file beside (not inside) the database. It keys the duplicate
// check, so the database alone cannot be used to test a guessed body for presence.
import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

function readKey(path: string): Buffer | undefined {
  try {
    const key = readFileSync(path);
    if (key.length !== 32) throw new Error(`${path} is damaged: expected 32 bytes`);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return undefined;
  }
}

/**
 * Reads `<dataDir>/relay.key`, creating it (0600, fsync'd) on first start. Relay instances sharing
 * one data folder and starting together agree on one key: the file is linked into place only if
 * absent, and whoever loses that race reads the winner's.
 */
export function loadServerKey(dataDir: string): Buffer {
  const path = join(dataDir, 'relay.key');
  const existing = readKey(path);
  if (existing) return existing;
  const key = randomBytes(32);
  // Random, not the pid: instances in containers are all pid 1.
  const tmp = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, key);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readKey(path) ?? key;
  } finally {
    unlinkSync(tmp);
  }
  return key;
}

/** Per-channel key, so equal bodies on two channels do not collide or correlate. */
export function channelDedupKey(serverKey: Buffer, channel: string): Buffer {
  return createHmac('sha256', serverKey).update(`dedup\0${channel}`).digest();
}

/** Keyed hash of (kind, body): equal for a repeated identical callback, meaningless without the key. */
export function dedupHash(channelKey: Buffer, kind: string, body: string): Buffer {
  return createHmac('sha256', channelKey).update(kind).update('\0').update(body).digest();
}
