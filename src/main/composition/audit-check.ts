// The audit chain is checked each time a profile opens. A large log takes longer than an open
// should (about half a second per 100,000 entries on a quiet machine; bench/audit.ts), so the check
// runs in slices after the open, and a broken chain is announced when it is found.
import type { ProfileDatabase } from '../db';
import { verifyAuditChainInSlices } from '../ledger/audit';
import { auditAlarmOf, type AuditAlarm } from '../ledger/audit-alarm';
import { logger } from '../log';

const log = logger('audit');

export interface AuditCheck {
  /** The alarm once the check has found the chain broken; null while it holds or is being checked. */
  readonly alarm: AuditAlarm | null;
  /** Settles when the whole log has been read: the alarm, or null when the chain holds (or the check stopped). */
  readonly done: Promise<AuditAlarm | null>;
  /** Ends the check early (the profile is closing). */
  stop(): void;
}

export function startAuditCheck(db: ProfileDatabase): AuditCheck {
  let stopped = false;
  let alarm: AuditAlarm | null = null;
  const done = verifyAuditChainInSlices(db, { stopped: () => stopped }).then(
    (check) => {
      if (check === null) return null;
      alarm = auditAlarmOf(check);
      if (alarm === null) log.info({ entries: check.ok ? check.rows : 0 }, 'audit chain holds');
      else log.error({ entryId: alarm.entryId, problem: alarm.problem }, 'audit chain broken');
      return alarm;
    },
    (error: unknown) => {
      // A check that cannot read the log says nothing about it; the profile stays usable.
      if (!stopped) log.error({ err: error }, 'the audit chain could not be checked');
      return null;
    },
  );
  return {
    get alarm() {
      return alarm;
    },
    done,
    stop: () => {
      stopped = true;
    },
  };
}
