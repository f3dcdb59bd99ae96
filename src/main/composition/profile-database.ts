// Opens a profile's database by profile name. The demo profile is created on first use, as the
// app does on its first start (docs/architecture.md#profiles-and-the-keychain); any other profile must have been created with init.
// Opened `exclusive`, it first takes the profile's lock (profile-lock.ts): what changes the
// profile or runs its engine is done by one program at a time; reading needs no lock.
import { closeDatabase, openDatabase, type ProfileDatabase } from '../db';
import {
  createProfile,
  loadProfile,
  profileDatabasePath,
  profileExists,
  profileFolder,
  type ProfileSettings,
} from '../profiles';
import { lockProfile, type ProfileLock } from './profile-lock';

export const demoProfileName = 'demo';

export function loadOrCreateProfile(name: string, root?: string): ProfileSettings {
  if (name === demoProfileName && !profileExists(name, root)) return createProfile({ name, kind: 'demo' }, root);
  return loadProfile(name, root);
}

export interface OpenedProfileDatabase {
  profile: ProfileSettings;
  db: ProfileDatabase;
  /** Present when opened exclusive: this process holds the profile until close. */
  lock: ProfileLock | undefined;
  close(): void;
}

export interface OpenProfileDatabaseOptions {
  /** Take the profile's lock first (ProfileInUseError when another program holds it). */
  exclusive?: boolean;
  /** The program named in the lock; the process's own name when left out. */
  program?: string;
}

export function openProfileDatabase(
  name: string,
  root?: string,
  options: OpenProfileDatabaseOptions = {},
): OpenedProfileDatabase {
  const profile = loadOrCreateProfile(name, root);
  const lock =
    options.exclusive === true
      ? lockProfile(profile.name, profileFolder(profile.name, root), options.program)
      : undefined;
  let db: ProfileDatabase;
  try {
    db = openDatabase(profileDatabasePath(profile.name, root));
  } catch (error) {
    lock?.release();
    throw error;
  }
  return {
    profile,
    db,
    lock,
    close: () => {
      try {
        closeDatabase(db);
      } finally {
        lock?.release();
      }
    },
  };
}
