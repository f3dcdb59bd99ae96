// The column mapping a person chose for a file layout, remembered per profile so next month's file
// from the same HR system or bank is read the same way without asking again.
import { columnNames, type ColumnMapping } from './import';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';

const keyPrefix = 'import_mapping:';

function clean(mapping: ColumnMapping): ColumnMapping {
  const kept: ColumnMapping = {};
  for (const column of columnNames) {
    const index = mapping[column];
    if (index === null || (typeof index === 'number' && Number.isInteger(index) && index >= 0)) kept[column] = index;
  }
  return kept;
}

/** Every remembered mapping, by layout key (a handful per employer). */
export function rememberedMappings(db: ProfileDatabase): Record<string, ColumnMapping> {
  const rows = db.prepare("SELECT key, value FROM settings WHERE key LIKE 'import_mapping:%'").all() as {
    key: string;
    value: string;
  }[];
  const mappings: Record<string, ColumnMapping> = {};
  for (const row of rows) {
    try {
      mappings[row.key.slice(keyPrefix.length)] = clean(JSON.parse(row.value) as ColumnMapping);
    } catch {
      // A damaged entry only means the person is asked again.
    }
  }
  return mappings;
}

export function rememberMapping(db: ProfileDatabase, layout: string, mapping: ColumnMapping, actor: string): void {
  if (!/^[0-9a-f]{16}$/.test(layout)) return;
  const value = JSON.stringify(clean(mapping));
  db.transaction(() => {
    db.prepare(
      `INSERT INTO settings (key, value) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
    ).run(`${keyPrefix}${layout}`, value);
    appendAudit(db, {
      actor,
      action: 'import_mapping.saved',
      entity: 'import_mapping',
      entityId: null,
      details: { layout, mapping: JSON.parse(value) as unknown },
    });
  })();
}
