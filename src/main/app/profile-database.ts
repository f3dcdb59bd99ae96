// Opens a profile's database by profile name. The demo profile is created on first use, as the
// app does on its first start (DESIGN §2); any other profile must have been created with init.
import { closeDatabase, openDatabase, type ProfileDatabase } from '../db';
import { createProfile, loadProfile, profileDatabasePath, profileExists, type ProfileSettings } from '../profiles';

export const demoProfileName = 'demo';

export function loadOrCreateProfile(name: string, root?: string): ProfileSettings {
  if (name === demoProfileName && !profileExists(name, root)) return createProfile({ name, kind: 'demo' }, root);
  return loadProfile(name, root);
}

export interface OpenedProfileDatabase {
  profile: ProfileSettings;
  db: ProfileDatabase;
  close(): void;
}

export function openProfileDatabase(name: string, root?: string): OpenedProfileDatabase {
  const profile = loadOrCreateProfile(name, root);
  const db = openDatabase(profileDatabasePath(profile.name, root));
  return { profile, db, close: () => closeDatabase(db) };
}
