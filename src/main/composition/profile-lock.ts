// One program at a time per profile: the desktop app, the browser host or a CLI command that
// opens a profile's engine holds its lock until it closes or dies. Two engines on one profile
// would each take the other's payments in flight for unanswered ones and ask after them.
//
// The lock is SQLite's own file lock on `profile.lock` (a tiny database in the profile folder),
// held in EXCLUSIVE locking mode after one write. It is an fcntl lock, so the kernel releases it
// the moment the holder ends, however it ends (kill -9, power cut): there is no stale lock to
// time out. Who holds it is written beside it in `profile.lock.json` once the lock is taken.
import { readFileSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ConflictError } from '../../shared/errors';
import { sqliteBindingPath } from '../db';

/** Who holds a profile: which program, its process id, since when, on which computer. */
export interface ProfileLockHolder {
  program: string;
  pid: number;
  since: string;
  host: string;
}

export interface ProfileLock {
  readonly holder: ProfileLockHolder;
  release(): void;
}

/** Refused because another program holds the profile; `holder` is null when it has not said who it is yet. */
export class ProfileInUseError extends ConflictError {
  override name = 'ProfileInUseError';
  constructor(
    readonly profileName: string,
    readonly holder: ProfileLockHolder | null,
  ) {
    super(
      `The profile "${profileName}" is open in ${holder === null ? 'another Mshahara program' : describeHolder(holder)}. ` +
        'Only one program at a time may use a profile, so that nobody is paid twice: close that one, or wait until it finishes, then try again.',
      { code: 'profile_in_use' },
    );
  }
}

let programName = 'Mshahara';

/** Names this process in the lock it takes ("the desktop app", "the browser host", "the command line (pay)"). */
export function nameThisProgram(name: string): void {
  programName = name;
}

export function describeHolder(holder: ProfileLockHolder): string {
  return `${holder.program} (process ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`}, since ${holder.since})`;
}

const lockFileName = 'profile.lock';
const holderFileName = 'profile.lock.json';

/**
 * Takes the profile's lock or throws ProfileInUseError naming the holder. Never waits: a second
 * program should say so at once, not after a timeout. A second open in the same process is
 * refused as well (SQLite shares one lock table per file within a process).
 */
export function lockProfile(profileName: string, folder: string, program: string = programName): ProfileLock {
  const nativeBinding = sqliteBindingPath();
  const lockDb = new Database(join(folder, lockFileName), nativeBinding === undefined ? {} : { nativeBinding });
  try {
    lockDb.pragma('busy_timeout = 0');
    lockDb.pragma('locking_mode = EXCLUSIVE');
    // The first write in EXCLUSIVE locking mode takes the exclusive lock and keeps it until close.
    lockDb.exec('BEGIN EXCLUSIVE');
    lockDb.exec('CREATE TABLE IF NOT EXISTS opened (at TEXT NOT NULL)');
    lockDb.prepare('DELETE FROM opened').run();
    lockDb.prepare('INSERT INTO opened (at) VALUES (?)').run(new Date().toISOString());
    lockDb.exec('COMMIT');
  } catch (error) {
    lockDb.close();
    if (isBusy(error)) throw new ProfileInUseError(profileName, readHolder(folder));
    throw error;
  }
  const holder: ProfileLockHolder = { program, pid: process.pid, since: new Date().toISOString(), host: hostname() };
  const holderFile = join(folder, holderFileName);
  // Written whole and renamed into place, so a second program never reads half of it.
  writeFileAtomic.sync(holderFile, `${JSON.stringify(holder, null, 2)}\n`);
  let released = false;
  return {
    holder,
    release() {
      if (released) return;
      released = true;
      // The description stays: it is only read while the lock is taken, and then it is current.
      lockDb.close();
    },
  };
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

function readHolder(folder: string): ProfileLockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(join(folder, holderFileName), 'utf8')) as Partial<ProfileLockHolder>;
    if (typeof parsed.program !== 'string' || typeof parsed.pid !== 'number' || typeof parsed.since !== 'string')
      return null;
    return {
      program: parsed.program,
      pid: parsed.pid,
      since: parsed.since,
      host: typeof parsed.host === 'string' ? parsed.host : hostname(),
    };
  } catch {
    return null;
  }
}
