// Contract handlers for looking after profiles: rotating the open profile's credentials, backing
// it up, restoring a backup as a new profile, and whether M-Pesa and the relay can be reached.
// Each calls its domain function (src/main/setup/rotation.ts, src/main/profiles/backup.ts).
import { writeFileSync } from 'node:fs';
import type { ContractHandlers } from '../transports/dispatch';
import { appendAudit } from '../ledger/audit';
import { backupProfile, restoreProfile } from '../profiles/backup';
import { rotateCredentials } from '../setup/rotation';
import type { ApiContext } from './context';
import { decodeUpload, exportFileName, produceFile } from './files';
import { profileView } from './profiles';

type CareMethods = 'profiles.rotateCredentials' | 'profiles.backup' | 'profiles.restore' | 'connection.status';

export function profileCareHandlers(ctx: ApiContext): Pick<ContractHandlers, CareMethods> {
  const core = () => ctx.session.require();
  return {
    'profiles.rotateCredentials': async (input) => {
      const result = await rotateCredentials({
        core: core(),
        secrets: ctx.secrets,
        dataRoot: ctx.dataRoot,
        actor: ctx.actor,
        input,
      });
      // The Daraja client read the old credentials when the profile opened.
      const now = result.replaced ? ((await ctx.session.reopen()) ?? core()) : core();
      return {
        replaced: result.replaced,
        outcome: result.outcome,
        checks: result.checks,
        message: result.message,
        profile: await profileView(ctx, now.profile),
      };
    },
    'profiles.backup': async ({ passphrase }) => {
      const c = core();
      const made = await backupProfile({
        db: c.db,
        profile: c.profile,
        secrets: ctx.secrets,
        passphrase,
      });
      const fileName = exportFileName(`mshahara-${c.profile.name}-backup`, 'mshbackup');
      const produced = await produceFile(ctx, c.profile.name, fileName, 'mshbackup', (path) => {
        writeFileSync(path, made.file, { mode: 0o600 });
        return Promise.resolve(null);
      });
      appendAudit(c.db, {
        actor: ctx.actor,
        action: 'profile.backed_up',
        entity: 'profile',
        entityId: c.profile.name,
        details: { fileName, secrets: made.summary.secrets },
      });
      return { ...produced, secrets: made.summary.secrets };
    },
    'profiles.restore': async ({ contentBase64, passphrase, name }) => {
      const restored = await restoreProfile({
        file: decodeUpload(contentBase64),
        passphrase,
        secrets: ctx.secrets,
        dataRoot: ctx.dataRoot,
        name,
      });
      const open = ctx.session.current;
      if (open !== null)
        appendAudit(open.db, {
          actor: ctx.actor,
          action: 'profile.restored',
          entity: 'profile',
          entityId: restored.settings.name,
          details: { from: restored.from, secrets: restored.summary.secrets },
        });
      return {
        profile: await profileView(ctx, restored.settings),
        from: restored.from,
        secrets: restored.summary.secrets,
      };
    },
    'connection.status': () => ({ unreachable: ctx.session.current?.reachability?.unreachable() ?? [] }),
  };
}
