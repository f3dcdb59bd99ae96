// What changed since the last time these people were paid, for the approver: each line of a run
// compared with the person's last paid line in any other run. A person is found by their saved
// worker first, then by the number, then by the name (case and accents ignored, foldForSearch): a worker paid
// on a new number is the classic quiet payroll fraud, and it must stand out, not hide as "new".
import { foldForSearch } from '../../shared/search-fold';
import type { Cents } from '../../shared/money';
import type { ProfileDatabase } from '../db';

export type LineChangeKind = 'new' | 'changed' | 'same';

/** The person's last paid line, in another run. */
export interface LastPaid {
  runId: number;
  runTitle: string;
  itemId: number;
  name: string;
  phone: string;
  amountCents: Cents;
  /** How the person was found: their saved worker, the number, or the name. */
  matchedBy: 'worker' | 'phone' | 'name';
}

export interface LineChange {
  itemId: number;
  kind: LineChangeKind;
  /** Paid before on another number (the same worker, or the same name). */
  phoneChanged: boolean;
  /** Paid before on this number under another name. */
  nameChanged: boolean;
  /** Paid a different amount last time. */
  amountChanged: boolean;
  lastPaid: LastPaid | null;
}

export interface ChangeCounts {
  /** People never paid before. */
  newPeople: number;
  phoneChanged: number;
  nameChanged: number;
  amountChanged: number;
  /** Paid before to the same number, under the same name, the same amount. */
  unchanged: number;
}

interface Line {
  id: number;
  worker_id: number | null;
  name: string;
  phone: string;
  amount_cents: number;
}

interface PaidRow {
  run_id: number;
  title: string;
  item_id: number;
  name: string;
  phone: string;
  amount_cents: number;
}

const paidSelect = `SELECT i.run_id, r.title, i.id AS item_id, i.name, i.phone, i.amount_cents
  FROM payroll_items i JOIN payroll_runs r ON r.id = i.run_id
 WHERE i.state = 'paid' AND i.run_id <> @runId`;
const newestFirst = 'ORDER BY r.created_at DESC, i.id DESC LIMIT 1';

/** Compares every line of `runId` with the same person's last paid line elsewhere, in line order. */
export function runChanges(db: ProfileDatabase, runId: number): LineChange[] {
  const lines = db
    .prepare(
      'SELECT id, worker_id, name, phone, amount_cents FROM payroll_items WHERE run_id = ? ORDER BY line_number, id',
    )
    .all(runId) as Line[];
  const byWorker = db.prepare(`${paidSelect} AND i.worker_id = @workerId ${newestFirst}`);
  const byPhone = db.prepare(`${paidSelect} AND i.phone = @phone ${newestFirst}`);
  const found = new Map<number, LastPaid>();
  for (const line of lines) {
    const worker =
      line.worker_id === null ? undefined : (byWorker.get({ runId, workerId: line.worker_id }) as PaidRow | undefined);
    const row = worker ?? (byPhone.get({ runId, phone: line.phone }) as PaidRow | undefined);
    if (row !== undefined) found.set(line.id, lastPaid(row, worker === undefined ? 'phone' : 'worker'));
  }
  findByName(db, runId, lines, found);
  return lines.map((line): LineChange => {
    const last = found.get(line.id) ?? null;
    if (last === null)
      return {
        itemId: line.id,
        kind: 'new',
        phoneChanged: false,
        nameChanged: false,
        amountChanged: false,
        lastPaid: null,
      };
    const phoneChanged = last.phone !== line.phone;
    const nameChanged = last.matchedBy === 'phone' && foldForSearch(last.name) !== foldForSearch(line.name);
    const amountChanged = last.amountCents !== line.amount_cents;
    return {
      itemId: line.id,
      kind: phoneChanged || nameChanged || amountChanged ? 'changed' : 'same',
      phoneChanged,
      nameChanged,
      amountChanged,
      lastPaid: last,
    };
  });
}

/**
 * Lines found neither by worker nor by number, looked up by name (folded: case and accents
 * ignored) in one pass over the paid lines, newest first, so a large first run costs one scan.
 */
function findByName(db: ProfileDatabase, runId: number, lines: readonly Line[], found: Map<number, LastPaid>): void {
  const wanted = new Map<string, number[]>();
  for (const line of lines) {
    if (found.has(line.id)) continue;
    const key = foldForSearch(line.name);
    wanted.set(key, [...(wanted.get(key) ?? []), line.id]);
  }
  if (wanted.size === 0) return;
  const paid = db
    .prepare(`${paidSelect} ORDER BY r.created_at DESC, i.id DESC`)
    .iterate({ runId }) as Iterable<PaidRow>;
  for (const row of paid) {
    const key = foldForSearch(row.name);
    const ids = wanted.get(key);
    if (ids === undefined) continue;
    for (const id of ids) found.set(id, lastPaid(row, 'name'));
    wanted.delete(key);
    if (wanted.size === 0) break;
  }
}

function lastPaid(row: PaidRow, matchedBy: LastPaid['matchedBy']): LastPaid {
  return {
    runId: row.run_id,
    runTitle: row.title,
    itemId: row.item_id,
    name: row.name,
    phone: row.phone,
    amountCents: row.amount_cents,
    matchedBy,
  };
}

export function countChanges(changes: readonly LineChange[]): ChangeCounts {
  const counts: ChangeCounts = { newPeople: 0, phoneChanged: 0, nameChanged: 0, amountChanged: 0, unchanged: 0 };
  for (const change of changes) {
    if (change.kind === 'new') counts.newPeople += 1;
    if (change.kind === 'same') counts.unchanged += 1;
    if (change.phoneChanged) counts.phoneChanged += 1;
    if (change.nameChanged) counts.nameChanged += 1;
    if (change.amountChanged) counts.amountChanged += 1;
  }
  return counts;
}
