// Opening a profile from the command line checks its audit chain, as the app does: a broken chain
// is one line on stderr (results on stdout stay clean for pipes), said once per command.
import type { AuditCheck } from '../composition/audit-check';
import type { ProfileDatabase } from '../db';
import { verifyAuditChain } from '../ledger/audit';
import { auditAlarmOf, type AuditAlarm } from '../ledger/audit-alarm';
import { line, type CliIo } from './output';

// A command may open one profile twice (a look before it asks, then the work): one warning is enough.
const warned = new WeakMap<CliIo, Set<string>>();

function report(where: string, alarm: AuditAlarm | null, io: CliIo): void {
  if (alarm === null) return;
  const key = `${where}#${alarm.entryId}`;
  const said = warned.get(io) ?? new Set<string>();
  if (said.has(key)) return;
  said.add(key);
  warned.set(io, said);
  line(io.err, alarm.message);
}

/** For a profile opened by its database alone: checked now (about half a second per 100,000 entries). */
export function warnIfAuditChainBroken(db: ProfileDatabase, io: CliIo): void {
  report(db.name, auditAlarmOf(verifyAuditChain(db)), io);
}

/** For a profile opened as the app (openProfileApp): waits for the check it started. */
export async function warnOfAuditCheck(app: { db: ProfileDatabase; audit: AuditCheck }, io: CliIo): Promise<void> {
  report(app.db.name, await app.audit.done, io);
}
