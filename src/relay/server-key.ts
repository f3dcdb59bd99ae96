// The relay's own secret, kept in a file beside (not inside) the database. It keys the duplicate
// check, so the database alone cannot be used to test a guessed body for presence.
import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Reads `<dataDir>/relay.key`, creating it (0600, fsync'd) on first start. */
export function loadServerKey(dataDir: string): Buffer {
  const path = join(dataDir, 'relay.key');
  try {
    const key = readFileSync(path);
    if (key.length !== 32) throw new Error(`${path} is damaged: expected 32 bytes`);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, key);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
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
