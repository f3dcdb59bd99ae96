// Everything that happened to one worker, read from the audit log: added (by hand or from a file),
// each field changed with its value before and after, archived, restored, and each change of
// M-Pesa number asked for, approved, rejected or withdrawn. The audit log is the record: this reads
// it, so a history cannot say something the hash-chained log does not.
import type { workerHistoryKinds } from '../../shared/contract/worker-changes';
import type { ProfileDatabase } from '../db';
import { getWorker } from './workers';

export type WorkerHistoryKind = (typeof workerHistoryKinds)[number];

/** One field as it was before and after; null is empty. */
export interface WorkerFieldChange {
  field: string;
  before: string | number | null;
  after: string | number | null;
}

export interface WorkerHistoryEntry {
  id: number;
  at: string;
  /** The username on the audit entry, and the person's name when it is an account's. */
  actor: string;
  actorName: string;
  kind: WorkerHistoryKind;
  /** The audit log's own name for it ('worker.edited'). */
  action: string;
  /** How a worker was added: typed in, or from a worker file. */
  via: 'form' | 'import' | null;
  changes: WorkerFieldChange[];
}

const kindOfAction: Record<string, WorkerHistoryKind> = {
  'worker.added': 'added',
  'worker.edited': 'edited',
  'worker.archived': 'archived',
  'worker.restored': 'restored',
  'worker.phone_change_requested': 'phone_change_requested',
  'worker.phone_change_approved': 'phone_change_approved',
  'worker.phone_change_rejected': 'phone_change_rejected',
  'worker.phone_change_withdrawn': 'phone_change_withdrawn',
};

interface HistoryRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  details: string;
  display_name: string | null;
}

type Value = string | number | null;

// The audit log keeps details in canonical (sorted) JSON; a history lists fields as the form does.
const fieldOrder = ['name', 'phone', 'defaultAmountCents', 'department', 'staffNumber', 'nationalId', 'notes'];
const placeOf = (field: string): number => {
  const place = fieldOrder.indexOf(field);
  return place === -1 ? fieldOrder.length : place;
};

function valueOf(value: unknown): Value {
  return typeof value === 'string' || typeof value === 'number' ? value : null;
}

function changesOf(kind: WorkerHistoryKind, details: Record<string, unknown>): WorkerFieldChange[] {
  switch (kind) {
    case 'added':
      return [
        { field: 'name', before: null, after: valueOf(details.name) },
        { field: 'phone', before: null, after: valueOf(details.phone) },
      ];
    case 'edited': {
      const changed = (details.changed ?? {}) as Record<string, { from?: unknown; to?: unknown }>;
      return Object.entries(changed)
        .sort(([a], [b]) => placeOf(a) - placeOf(b))
        .map(([field, change]) => ({ field, before: valueOf(change.from), after: valueOf(change.to) }));
    }
    case 'phone_change_requested':
    case 'phone_change_approved':
    case 'phone_change_rejected':
    case 'phone_change_withdrawn':
      return [{ field: 'phone', before: valueOf(details.from), after: valueOf(details.to) }];
    case 'archived':
    case 'restored':
    case 'other':
      return [];
    default: {
      const unknownKind: never = kind;
      return unknownKind;
    }
  }
}

/** The worker's history, newest first. */
export function workerHistory(db: ProfileDatabase, workerId: number): WorkerHistoryEntry[] {
  getWorker(db, workerId); // a worker that does not exist is named, not shown as an empty history
  const rows = db
    .prepare(
      `SELECT l.id, l.at, l.actor, l.action, l.details, a.display_name
         FROM audit_log l LEFT JOIN accounts a ON a.username = l.actor
        WHERE l.entity = 'worker' AND l.entity_id = ?
        ORDER BY l.id DESC`,
    )
    .all(String(workerId)) as HistoryRow[];
  return rows.map((row) => {
    const details = JSON.parse(row.details) as Record<string, unknown>;
    const kind = kindOfAction[row.action] ?? 'other';
    const via = details.via === 'form' || details.via === 'import' ? details.via : null;
    return {
      id: row.id,
      at: row.at,
      actor: row.actor,
      actorName: row.display_name ?? row.actor,
      kind,
      action: row.action,
      via: kind === 'added' ? via : null,
      changes: changesOf(kind, details),
    };
  });
}
