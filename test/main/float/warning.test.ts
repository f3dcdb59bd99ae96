// The low-float level: none by default, set by an admin only, audited with before and after; the
// warning when the latest Utility balance is below it, saying how old the figure is.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { lowFloatLevel, lowFloatWarning, saveLowFloatLevel } from '../../../src/main/float/warning';
import { auditChanges, auditWords } from '../../../src/main/ledger/audit-words';
import { seedPeople } from '../../helpers/people';
import { tempFolder } from '../db/temp-folder';

const folder = tempFolder('mshahara-low-float-');
let db: ProfileDatabase;
beforeEach(async () => {
  db = openDatabase(folder.path('profile.sqlite'));
  await seedPeople(db);
});
afterEach(() => closeDatabase(db));

function utility(observedAt: string, availableCents: number): void {
  db.prepare(
    "INSERT INTO balance_snapshots (observed_at, account, available_cents) VALUES (?, 'Utility Account', ?)",
  ).run(observedAt, availableCents);
}

const now = new Date('2026-11-10T12:00:00.000Z');

describe('the low-float level', () => {
  it('is none by default: no warning however low the float', () => {
    utility('2026-11-10T11:59:00.000Z', 1_00);
    expect(lowFloatLevel(db)).toEqual({ levelCents: null });
    expect(lowFloatWarning(db, now)).toBeNull();
  });

  it('warns when the latest Utility balance is below the level, in words', () => {
    saveLowFloatLevel(db, 50_000_00, 'wanjiru');
    utility('2026-11-10T11:58:00.000Z', 12_400_00);
    const warning = lowFloatWarning(db, now);
    expect(warning).toMatchObject({ levelCents: 50_000_00, utilityCents: 12_400_00, old: false });
    expect(warning?.message).toBe(
      'The float is KES 12,400.00, below the warning level of KES 50,000.00 set in Settings. Top up the Utility account before the next run.',
    );
  });

  it('says when the figure is old', () => {
    saveLowFloatLevel(db, 50_000_00, 'wanjiru');
    utility('2026-11-10T09:00:00.000Z', 12_400_00);
    const warning = lowFloatWarning(db, now);
    expect(warning?.old).toBe(true);
    expect(warning?.message).toContain(
      'KES 12,400.00 (as M-Pesa reported it 3 hours ago), below the warning level of KES 50,000.00',
    );
  });

  it('is quiet at or above the level, and when M-Pesa has reported no balance yet', () => {
    saveLowFloatLevel(db, 50_000_00, 'wanjiru');
    expect(lowFloatWarning(db, now)).toBeNull();
    utility('2026-11-10T11:00:00.000Z', 10_000_00);
    utility('2026-11-10T11:30:00.000Z', 50_000_00);
    expect(lowFloatWarning(db, now)).toBeNull();
  });

  it('is set by an admin only, and every change is audited with before and after', () => {
    expect(() => saveLowFloatLevel(db, 10_000_00, 'chebet')).toThrow(/admin/);
    expect(lowFloatLevel(db).levelCents).toBeNull();
    saveLowFloatLevel(db, 10_000_00, 'wanjiru');
    saveLowFloatLevel(db, 10_000_00, 'wanjiru');
    saveLowFloatLevel(db, null, 'wanjiru');
    const entries = db
      .prepare(
        "SELECT actor, action, entity, entity_id AS entityId, details FROM audit_log WHERE action = 'settings.low_float' ORDER BY id",
      )
      .all() as Array<{ actor: string; action: string; entity: string; entityId: string; details: string }>;
    expect(entries).toHaveLength(2);
    const facts = entries.map((e) => ({ ...e, details: JSON.parse(e.details) as Record<string, unknown> }));
    expect(facts.map((f) => f.actor)).toEqual(['wanjiru', 'wanjiru']);
    expect(auditWords(facts[0]!)).toBe('changed the level the float is warned at');
    expect(auditChanges(facts[0]!.details)).toEqual([
      { field: 'Warn when the float is below', before: '—', after: 'KES 10,000.00' },
    ]);
    expect(auditChanges(facts[1]!.details)).toEqual([
      { field: 'Warn when the float is below', before: 'KES 10,000.00', after: '—' },
    ]);
  });

  it('refuses a level that is not a whole, positive number of shillings', () => {
    expect(() => saveLowFloatLevel(db, 0, 'wanjiru')).toThrow(/above zero/);
    expect(() => saveLowFloatLevel(db, 10_000_50, 'wanjiru')).toThrow(/whole shillings/);
  });
});
