// `profiles backup <file>` and `profiles restore <file>`: a profile to one file sealed with a
// passphrase, and such a file back as a new profile (src/main/profiles/backup.ts). The passphrase
// comes from MSHAHARA_BACKUP_PASSPHRASE or is asked without echo (twice when making a backup); it
// is never a flag, which would stay in the shell history.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ValidationError } from '../../../shared/errors';
import { appendAudit } from '../../ledger/audit';
import { listProfiles } from '../../profiles';
import { backupProfile, restoreProfile } from '../../profiles/backup';
import type { SecretStore } from '../../secrets/secret-store';
import { actingPerson } from '../acting';
import { openProfileForCommand } from '../open-profile';
import { line, type CliIo } from '../output';
import { askHidden } from '../prompt';
import { requireUserOption } from '../sign-in';
import { dataFolder } from '../../profiles/data-folder';
import { defaultProfileName, parseCommand, UsageError } from '../usage';

export const passphraseVariable = 'MSHAHARA_BACKUP_PASSPHRASE';

export const profilesHelp = `Usage: npm run cli -- profiles backup <file> --user <admin> [--profile <name>] [--json]
       npm run cli -- profiles restore <file> [--name <new name>] [--user <admin> --profile <name>] [--json]

backup   writes the profile's database (a consistent copy, taken even while the app runs), its
         settings, certificate and every keychain secret it holds into <file>, sealed with a
         passphrase (at least 12 characters). An admin of the profile signs in with --user.
restore  reads <file> and makes a NEW profile from it (its old name, or --name), putting its
         secrets back in this computer's keychain. A wrong passphrase changes nothing. An admin of
         an existing profile (--profile, default demo) signs in with --user; on a computer with no
         profile yet, none is needed. Run one copy of a profile at a time.

The passphrase is read from ${passphraseVariable}, or asked without echo.
  --json               the result as JSON
`;

async function passphrase(io: CliIo, twice: boolean): Promise<string> {
  const given = io.env[passphraseVariable];
  if (given !== undefined && given !== '') return given;
  if (io.input.isTTY !== true)
    throw new ValidationError(`No passphrase given: set ${passphraseVariable}, or run the command on a terminal.`);
  const first = await askHidden('Backup passphrase: ', io.input, io.err);
  if (!twice) return first;
  const again = await askHidden('The same passphrase again: ', io.input, io.err);
  if (first !== again) throw new ValidationError('The two passphrases differ; nothing was written. Try again.');
  return first;
}

export async function profilesCommand(
  args: string[],
  io: CliIo,
  deps: { secrets: () => SecretStore },
): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { user: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
    profilesHelp,
  );
  if (values.help === true) {
    io.out.write(profilesHelp);
    return 0;
  }
  const [action, file] = positionals;
  if ((action !== 'backup' && action !== 'restore') || file === undefined)
    throw new UsageError('Say backup <file> or restore <file>.', profilesHelp);
  const path = resolve(file);
  const profileName = values.profile ?? defaultProfileName;

  if (action === 'backup') {
    if (existsSync(path)) throw new ValidationError(`${path} already exists; choose a new file name.`);
    const user = requireUserOption(values.user, 'profiles backup', profilesHelp);
    const opened = await openProfileForCommand(profileName, { io, secrets: deps.secrets });
    try {
      const caller = await actingPerson(opened.db, opened.profile.name, deps.secrets, io, user, 'profiles backup');
      const made = await backupProfile({
        db: opened.db,
        profile: opened.profile,
        secrets: deps.secrets(),
        passphrase: await passphrase(io, true),
      });
      writeFileSync(path, made.file, { mode: 0o600, flag: 'wx' });
      appendAudit(opened.db, {
        actor: caller.username,
        action: 'profile.backed_up',
        entity: 'profile',
        entityId: opened.profile.name,
        details: { fileName: path.split(/[\\/]/).at(-1) ?? 'backup', secrets: made.summary.secrets },
      });
      if (values.json === true) line(io.out, JSON.stringify({ file: path, ...made.summary }, null, 2));
      else
        line(
          io.out,
          `Backed up "${opened.profile.name}" to ${path}: its database and ${made.summary.secrets.length} keychain secrets, sealed.`,
        );
      return 0;
    } finally {
      opened.close();
    }
  }

  // restore: an admin of a profile here authorizes it, unless this computer has none yet.
  const here = listProfiles(dataFolder());
  let actor = 'first start';
  let audit: ((entry: Parameters<typeof appendAudit>[1]) => void) | undefined;
  const opened =
    here.length === 0 ? undefined : await openProfileForCommand(profileName, { io, secrets: deps.secrets });
  try {
    if (opened !== undefined) {
      const user = requireUserOption(values.user, 'profiles restore', profilesHelp);
      actor = (await actingPerson(opened.db, opened.profile.name, deps.secrets, io, user, 'profiles restore')).username;
      audit = (entry) => appendAudit(opened.db, entry);
    }
    const restored = await restoreProfile({
      file: readFileSync(path),
      passphrase: await passphrase(io, false),
      secrets: deps.secrets(),
      dataRoot: dataFolder(),
      name: values.name,
    });
    audit?.({
      actor,
      action: 'profile.restored',
      entity: 'profile',
      entityId: restored.settings.name,
      details: { from: restored.from, secrets: restored.summary.secrets },
    });
    if (values.json === true) line(io.out, JSON.stringify({ from: restored.from, ...restored.summary }, null, 2));
    else
      line(
        io.out,
        `Restored "${restored.from}" as the profile "${restored.settings.name}", with ${restored.summary.secrets.length} keychain secrets.`,
      );
    return 0;
  } finally {
    opened?.close();
  }
}
