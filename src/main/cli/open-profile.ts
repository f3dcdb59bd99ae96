// How every command opens a profile's database: as the app does, with the profile's audit key from
// the keychain registered on the connection, so what the command writes is sealed with the key and
// the chain check that follows can read keyed entries. Opened without it, a command would append
// entries sealed with plain sha256 that every later check reports as a chain rebuilt outside Mshahara.
import { attachAuditKey } from '../composition/audit-key';
import {
  openProfileDatabase,
  type OpenedProfileDatabase,
  type OpenProfileDatabaseOptions,
} from '../composition/profile-database';
import { needsCredentials } from '../profiles';
import type { SecretStore } from '../secrets/secret-store';
import { warnIfAuditChainBroken } from './audit-alarm';
import type { CliIo } from './output';

export interface CommandProfileOptions extends OpenProfileDatabaseOptions {
  io: CliIo;
  /** The keychain, asked only for a profile that keeps credentials (the demo profile keeps none). */
  secrets: () => SecretStore;
  /** Check the chain and warn when it is broken (default); `audit verify` reports it itself. */
  warnIfBroken?: boolean;
}

/**
 * Opens the profile's database, registers its audit key (made on first use, as openProfileApp
 * does), then checks the chain and warns on stderr when it is broken. Close it with `close()`.
 */
export async function openProfileForCommand(
  name: string,
  options: CommandProfileOptions,
): Promise<OpenedProfileDatabase> {
  const { io, secrets, warnIfBroken = true, ...open } = options;
  const opened = openProfileDatabase(name, undefined, open);
  try {
    if (needsCredentials(opened.profile.kind)) await attachAuditKey(opened.db, secrets(), opened.profile.name);
    if (warnIfBroken) warnIfAuditChainBroken(opened.db, io);
  } catch (error) {
    opened.close();
    throw error;
  }
  return opened;
}
