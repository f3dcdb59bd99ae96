// The low-float level: a Utility balance the admin asks to be warned below (none by default), kept
// in `settings` and audited with before and after. The warning is shown on the dashboard and before
// each run, beside the float check that refuses a run the float cannot pay
// (src/main/payroll/engine/float-check.ts): this one refuses nothing, it asks for a top-up in time.
import { ValidationError } from '../../shared/errors';
import { formatKesWithCurrency, type Cents } from '../../shared/money';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { latestFloat } from '../payroll/float';
import { requireActorWithRole } from '../users/account-rows';

const settingsKey = 'low_float_level';
/** A balance older than this is said to be old, with how old. */
const freshMs = 15 * 60_000;

export interface LowFloatLevel {
  /** Warn when the Utility balance is below this; null: no warning. */
  levelCents: Cents | null;
}

export interface LowFloatWarning {
  levelCents: Cents;
  utilityCents: Cents;
  /** When M-Pesa computed the balance (ISO, UTC). */
  observedAt: string;
  /** True when the figure is older than a quarter of an hour. */
  old: boolean;
  message: string;
}

export function lowFloatLevel(db: ProfileDatabase): LowFloatLevel {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(settingsKey) as { value: string } | undefined;
  if (row === undefined) return { levelCents: null };
  const saved = JSON.parse(row.value) as Partial<LowFloatLevel>;
  return { levelCents: typeof saved.levelCents === 'number' ? saved.levelCents : null };
}

/** Sets (or, with null, removes) the level; an admin only, audited with before and after. */
export function saveLowFloatLevel(db: ProfileDatabase, levelCents: Cents | null, actor: string): LowFloatLevel {
  if (levelCents !== null && (!Number.isInteger(levelCents) || levelCents <= 0))
    throw new ValidationError('Write the level as an amount above zero, or clear it for no warning.', {
      field: ['levelCents'],
    });
  if (levelCents !== null && levelCents % 100 !== 0)
    throw new ValidationError('Write the level in whole shillings.', { field: ['levelCents'] });
  return db
    .transaction(() => {
      const admin = requireActorWithRole(db, actor, 'admin', 'set the low-float level');
      const before = lowFloatLevel(db);
      if (before.levelCents === levelCents) return before;
      const after: LowFloatLevel = { levelCents };
      db.prepare(
        `INSERT INTO settings (key, value) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
      ).run(settingsKey, JSON.stringify(after));
      appendAudit(db, {
        actor: admin.username,
        action: 'settings.low_float',
        entity: 'settings',
        entityId: settingsKey,
        details: { before: { ...before }, after: { ...after } },
      });
      return after;
    })
    .immediate();
}

/** "3 hours ago", "12 minutes ago", "2 days ago". */
export function ageWords(fromIso: string, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(fromIso)) / 60_000));
  const count = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  if (minutes < 1) return 'just now';
  if (minutes < 60) return count(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return count(hours, 'hour');
  return count(Math.floor(hours / 24), 'day');
}

/**
 * The warning when the latest Utility balance M-Pesa reported is below the level; null when no
 * level is set, no balance was reported yet (the float check says so), or the balance is above.
 */
export function lowFloatWarning(db: ProfileDatabase, now = new Date()): LowFloatWarning | null {
  const { levelCents } = lowFloatLevel(db);
  if (levelCents === null) return null;
  const float = latestFloat(db);
  if (float.utilityAvailableCents === null || float.observedAt === null) return null;
  if (float.utilityAvailableCents >= levelCents) return null;
  const old = now.getTime() - Date.parse(float.observedAt) > freshMs;
  const when = old ? ` (as M-Pesa reported it ${ageWords(float.observedAt, now)})` : '';
  return {
    levelCents,
    utilityCents: float.utilityAvailableCents,
    observedAt: float.observedAt,
    old,
    message:
      `The float is ${formatKesWithCurrency(float.utilityAvailableCents)}${when}, below the warning level of ` +
      `${formatKesWithCurrency(levelCents)} set in Settings. Top up the Utility account before the next run.`,
  };
}
