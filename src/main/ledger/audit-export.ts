// The audit view as a file for an auditor: CSV or XLSX through the ledger's export writers
// (formula-safe cells, Nairobi time), newest first, the filtered set only, on a read-only
// connection so a long export never holds up the payout engine. The log never holds a secret
// (appendAudit refuses one), so the file cannot either.
import type { Writable } from 'node:stream';
import type { ProfileDatabase } from '../db';
import { iterateAuditEntries, type AuditFilter } from './audit-view';
import { onReadConnection, writeCsv, writeXlsx, type ExportFormat, type ExportTable } from './export';

/** One row per entry: when, who, what in words, the before → after, and the entry as stored. */
export function auditTable(db: ProfileDatabase, filter: AuditFilter): ExportTable {
  return {
    header: [
      'Entry',
      'When (Nairobi)',
      'Who',
      'Name',
      'What',
      'Before',
      'After',
      'Action',
      'Entity',
      'Entity id',
      'Details',
    ],
    amountColumns: new Set<number>(),
    dateColumns: new Set([1]),
    rows: (function* () {
      for (const entry of iterateAuditEntries(db, filter)) {
        yield [
          entry.id,
          entry.at,
          entry.actor,
          entry.actorName,
          entry.words,
          entry.changes.map((c) => `${c.field}: ${c.before}`).join('; ') || null,
          entry.changes.map((c) => `${c.field}: ${c.after}`).join('; ') || null,
          entry.action,
          entry.entity,
          entry.entityId,
          entry.details,
        ];
      }
    })(),
  };
}

/** Writes the filtered entries to `output`; answers how many it wrote. */
export async function exportAuditLog(
  db: ProfileDatabase,
  output: string | Writable,
  options: { format: ExportFormat; filter: AuditFilter },
): Promise<number> {
  return onReadConnection(db, async (reader) => {
    const table = auditTable(reader, options.filter);
    let count = 0;
    const counted: ExportTable = {
      ...table,
      rows: (function* () {
        for (const row of table.rows) {
          count += 1;
          yield row;
        }
      })(),
    };
    switch (options.format) {
      case 'csv':
        await writeCsv(counted, output);
        break;
      case 'xlsx':
        await writeXlsx(counted, output, 'Audit log');
        break;
      default: {
        const unknown: never = options.format;
        throw new Error(`Unknown export format ${String(unknown)}`);
      }
    }
    return count;
  });
}
