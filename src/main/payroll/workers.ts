// The employer's list of workers: add, edit, archive, restore, search, and create them from an
// import preview. Workers are archived, never deleted, because runs and the ledger point at them.
import limits from '../../../resources/b2c-limits.json';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import { formatKesWithCurrency, type Cents } from '../../shared/money';
import { foldForSearch } from '../../shared/search-fold';
import { formatMsisdn, parseKenyanPhone, parseSafaricomPhone, type Msisdn } from '../../shared/phone';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import type { ImportPreview } from './import';
import { notePhoneChange, workerHoldingOldPhone } from './phone-changes';

export interface Worker {
  id: number;
  name: string;
  phone: Msisdn;
  staffNumber: string | null;
  nationalId: string | null;
  department: string | null;
  defaultAmountCents: Cents | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}

export interface WorkerInput {
  name: string;
  /** Any Kenyan format: 0712 345 678, +254712345678, 712345678 … */
  phone: string;
  staffNumber?: string | null;
  nationalId?: string | null;
  department?: string | null;
  defaultAmountCents?: Cents | null;
  notes?: string | null;
}

export interface WorkerListFilter {
  /** Part of the name (any case), or a phone number in any Kenyan format (whole or its start). */
  search?: string;
  include?: 'active' | 'archived' | 'all';
  limit?: number;
  offset?: number;
}

interface WorkerRow {
  id: number;
  name: string;
  phone: string;
  staff_number: string | null;
  national_id: string | null;
  department: string | null;
  default_amount_cents: number | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

const columns =
  'id, name, phone, staff_number, national_id, department, default_amount_cents, notes, created_at, updated_at, archived_at';
const nameMaxLength = 100;

function toWorker(row: WorkerRow): Worker {
  return {
    id: row.id,
    name: row.name,
    phone: row.phone,
    staffNumber: row.staff_number,
    nationalId: row.national_id,
    department: row.department,
    defaultAmountCents: row.default_amount_cents,
    notes: row.notes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    archivedAt: row.archived_at,
  };
}

/** A name as people see it: one space between words, no spaces around. */
export function normaliseName(name: string): string {
  const clean = name.replace(/\s+/g, ' ').trim();
  if (clean === '') throw new ValidationError('The worker needs a name');
  if (clean.length > nameMaxLength)
    throw new ValidationError(`The name "${clean.slice(0, 30)}…" is longer than ${nameMaxLength} characters`);
  return clean;
}

function normalisePhone(phone: string): Msisdn {
  const parsed = parseSafaricomPhone(phone);
  if (!parsed.ok)
    throw new ValidationError(
      `${parsed.reason}. Workers are paid over M-Pesa, so the number must be a Safaricom line`,
      {
        field: ['phone'],
      },
    );
  return parsed.msisdn;
}

function optionalText(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const clean = value.replace(/\s+/g, ' ').trim();
  return clean === '' ? null : clean;
}

/** A default amount must be one M-Pesa can pay in a single B2C payment. */
export function checkPayableAmount(amountCents: Cents, who: string): Cents {
  if (!Number.isSafeInteger(amountCents) || amountCents % 100 !== 0) {
    throw new ValidationError(`The amount for ${who} must be whole shillings: M-Pesa pays no cents`);
  }
  const { minPerTransactionCents: min, maxPerTransactionCents: max } = limits.b2c;
  if (amountCents < min || amountCents > max) {
    throw new ValidationError(
      `The amount for ${who} (${formatKesWithCurrency(amountCents)}) is outside what M-Pesa pays in one payment: ${formatKesWithCurrency(min)} to ${formatKesWithCurrency(max)}`,
    );
  }
  return amountCents;
}

function optionalAmount(value: Cents | null | undefined, who: string): Cents | null {
  return value === undefined || value === null
    ? null
    : onField('defaultAmountCents', () => checkPayableAmount(value, who));
}

/** Runs a check of one form field; its refusal names that field, so the form shows it beside it. */
function onField<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof ValidationError && error.field === undefined)
      throw new ValidationError(error.message, { field: [field], cause: error });
    throw error;
  }
}

export function getWorker(db: ProfileDatabase, id: number): Worker {
  const row = db.prepare(`SELECT ${columns} FROM workers WHERE id = ?`).get(id) as WorkerRow | undefined;
  if (row === undefined) throw new NotFoundError(`There is no worker #${id}`);
  return toWorker(row);
}

/** Refuses a phone or staff number another active worker already has, naming who. */
function refuseTaken(db: ProfileDatabase, phone: Msisdn, staffNumber: string | null, exceptId: number | null): void {
  const holder = db
    .prepare('SELECT id, name FROM workers WHERE phone = ? AND archived_at IS NULL AND id IS NOT ?')
    .get(phone, exceptId) as { id: number; name: string } | undefined;
  if (holder !== undefined) {
    throw new ConflictError(
      `${formatMsisdn(phone)} already belongs to ${holder.name} (worker #${holder.id}); one number pays one worker`,
    );
  }
  const reserved = workerHoldingOldPhone(db, phone, exceptId);
  if (reserved !== null) {
    throw new ConflictError(
      `${formatMsisdn(phone)} is the approved number of ${reserved.name} (worker #${reserved.id}), whose new number waits for approval; it stays theirs until the change is decided`,
    );
  }
  if (staffNumber === null) return;
  const staffHolder = db
    .prepare('SELECT id, name FROM workers WHERE staff_number = ? AND archived_at IS NULL AND id IS NOT ?')
    .get(staffNumber, exceptId) as { id: number; name: string } | undefined;
  if (staffHolder !== undefined) {
    throw new ConflictError(
      `Staff number ${staffNumber} already belongs to ${staffHolder.name} (worker #${staffHolder.id})`,
    );
  }
}

function insertWorker(db: ProfileDatabase, input: WorkerInput, actor: string, via: string): Worker {
  const name = onField('name', () => normaliseName(input.name));
  const phone = normalisePhone(input.phone);
  const staffNumber = optionalText(input.staffNumber);
  refuseTaken(db, phone, staffNumber, null);
  const result = db
    .prepare(
      `INSERT INTO workers (name, phone, staff_number, national_id, department, default_amount_cents, notes)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      name,
      phone,
      staffNumber,
      optionalText(input.nationalId),
      optionalText(input.department),
      optionalAmount(input.defaultAmountCents, name),
      optionalText(input.notes),
    );
  const worker = getWorker(db, Number(result.lastInsertRowid));
  appendAudit(db, {
    actor,
    action: 'worker.added',
    entity: 'worker',
    entityId: worker.id,
    details: { name, phone, via },
  });
  return worker;
}

export function addWorker(db: ProfileDatabase, input: WorkerInput, actor: string): Worker {
  return db.transaction(() => insertWorker(db, input, actor, 'form')).immediate();
}

/**
 * Changes only the fields given; `null` clears an optional field. A new M-Pesa number is saved but
 * waits for approval by someone else before the worker is paid again (phone-changes.ts).
 */
export function editWorker(
  db: ProfileDatabase,
  id: number,
  changes: Partial<WorkerInput>,
  actor: string,
  actorAccountId: number | null = null,
): Worker {
  return db
    .transaction(() => {
      const before = getWorker(db, id);
      if (before.archivedAt !== null)
        throw new ConflictError(`${before.name} is archived; restore the worker before editing`);
      const next = {
        name: changes.name === undefined ? before.name : onField('name', () => normaliseName(changes.name ?? '')),
        phone: changes.phone === undefined ? before.phone : normalisePhone(changes.phone),
        staffNumber: changes.staffNumber === undefined ? before.staffNumber : optionalText(changes.staffNumber),
        nationalId: changes.nationalId === undefined ? before.nationalId : optionalText(changes.nationalId),
        department: changes.department === undefined ? before.department : optionalText(changes.department),
        defaultAmountCents:
          changes.defaultAmountCents === undefined
            ? before.defaultAmountCents
            : optionalAmount(changes.defaultAmountCents, before.name),
        notes: changes.notes === undefined ? before.notes : optionalText(changes.notes),
      };
      refuseTaken(db, next.phone, next.staffNumber, id);
      db.prepare(
        `UPDATE workers SET name = ?, phone = ?, staff_number = ?, national_id = ?, department = ?, default_amount_cents = ?, notes = ?,
           updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`,
      ).run(
        next.name,
        next.phone,
        next.staffNumber,
        next.nationalId,
        next.department,
        next.defaultAmountCents,
        next.notes,
        id,
      );
      const changed: Record<string, { from: unknown; to: unknown }> = {};
      for (const key of Object.keys(next) as (keyof typeof next)[]) {
        if (before[key] !== next[key]) changed[key] = { from: before[key], to: next[key] };
      }
      appendAudit(db, { actor, action: 'worker.edited', entity: 'worker', entityId: id, details: { changed } });
      if (next.phone !== before.phone)
        notePhoneChange(db, id, before.phone, next.phone, { name: actor, accountId: actorAccountId });
      return getWorker(db, id);
    })
    .immediate();
}

/** Deactivates a worker: kept for history, left out of new runs, and the phone is free again. */
export function archiveWorker(db: ProfileDatabase, id: number, actor: string): Worker {
  return db
    .transaction(() => {
      const worker = getWorker(db, id);
      if (worker.archivedAt !== null) return worker;
      db.prepare(
        `UPDATE workers SET archived_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`,
      ).run(id);
      appendAudit(db, {
        actor,
        action: 'worker.archived',
        entity: 'worker',
        entityId: id,
        details: { name: worker.name, phone: worker.phone },
      });
      return getWorker(db, id);
    })
    .immediate();
}

export function restoreWorker(db: ProfileDatabase, id: number, actor: string): Worker {
  return db
    .transaction(() => {
      const worker = getWorker(db, id);
      if (worker.archivedAt === null) return worker;
      refuseTaken(db, worker.phone, worker.staffNumber, id);
      db.prepare(
        `UPDATE workers SET archived_at = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`,
      ).run(id);
      appendAudit(db, {
        actor,
        action: 'worker.restored',
        entity: 'worker',
        entityId: id,
        details: { name: worker.name },
      });
      return getWorker(db, id);
    })
    .immediate();
}

/**
 * Puts back the number a rejected change replaced (phone-decisions.ts records the rejection). An
 * active worker gets it only while no other active worker holds it.
 */
export function putBackPhone(db: ProfileDatabase, id: number, phone: Msisdn): Worker {
  const worker = getWorker(db, id);
  if (worker.archivedAt === null) refuseTaken(db, phone, null, id);
  db.prepare(`UPDATE workers SET phone = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`).run(
    phone,
    id,
  );
  return getWorker(db, id);
}

/** Escapes LIKE wildcards so a search for "50%" finds "50%", not everything starting with 50. */
export function likePattern(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A search that reads as a (part of a) phone number, as a 12-digit MSISDN prefix; otherwise null. */
export function phoneSearchPrefix(search: string): string | null {
  const digits = search.replace(/[\s\-.()]/g, '');
  if (!/^\+?\d{3,13}$/.test(digits)) return null;
  const full = parseKenyanPhone(digits);
  if (full.ok) return full.msisdn;
  const bare = digits.replace(/^\+/, '');
  if (bare.startsWith('254')) return bare;
  if (bare.startsWith('0')) return `254${bare.slice(1)}`;
  if (/^[17]/.test(bare)) return `254${bare}`;
  return null;
}

export function listWorkers(db: ProfileDatabase, filter: WorkerListFilter = {}): Worker[] {
  const where: string[] = [];
  const params: unknown[] = [];
  const include = filter.include ?? 'active';
  if (include === 'active') where.push('archived_at IS NULL');
  else if (include === 'archived') where.push('archived_at IS NOT NULL');
  const search = filter.search?.trim() ?? '';
  if (search !== '') {
    const phonePrefix = phoneSearchPrefix(search);
    if (phonePrefix !== null) {
      where.push("(phone LIKE ? ESCAPE '\\' OR fold(name) LIKE ? ESCAPE '\\')");
      params.push(`${phonePrefix}%`, `%${likePattern(foldForSearch(search))}%`);
    } else {
      where.push("(fold(name) LIKE ? ESCAPE '\\' OR staff_number = ?)");
      params.push(`%${likePattern(foldForSearch(search))}%`, search);
    }
  }
  const limit = Math.min(Math.max(filter.limit ?? 500, 1), 10_000);
  const offset = Math.max(filter.offset ?? 0, 0);
  const sql = `SELECT ${columns} FROM workers ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY fold(name), name, id LIMIT ? OFFSET ?`;
  return (db.prepare(sql).all(...params, limit, offset) as WorkerRow[]).map(toWorker);
}

/** How many workers the profile has, archived ones included. */
export function countWorkers(db: ProfileDatabase): number {
  return (db.prepare('SELECT count(*) AS n FROM workers').get() as { n: number }).n;
}

/** Phones of active workers with their names: what an import preview checks duplicates against. */
export function existingPhones(db: ProfileDatabase): Map<Msisdn, string> {
  const rows = db.prepare('SELECT phone, name FROM workers WHERE archived_at IS NULL').all() as {
    phone: string;
    name: string;
  }[];
  return new Map(rows.map((r) => [r.phone, r.name]));
}

/** Each active worker's usual pay (their default amount), by phone: an import flags amounts far from it. */
export function usualAmounts(db: ProfileDatabase): Map<Msisdn, Cents> {
  const rows = db
    .prepare(
      'SELECT phone, default_amount_cents FROM workers WHERE archived_at IS NULL AND default_amount_cents IS NOT NULL',
    )
    .all() as {
    phone: string;
    default_amount_cents: number;
  }[];
  return new Map(rows.map((r) => [r.phone, r.default_amount_cents]));
}

export interface WorkerImportResult {
  created: Worker[];
  /** Valid preview rows refused now because the phone became taken since the preview. */
  refused: { row: number; reason: string }[];
}

/**
 * Creates workers from the valid rows of a preview, all in one transaction. A phone that an
 * active worker already has is refused with the row number, never merged: the officer decides.
 * The file's amount becomes the worker's default amount; a row without one saves the worker without it.
 */
export function importWorkers(
  db: ProfileDatabase,
  preview: ImportPreview,
  actor: string,
  fileName?: string,
): WorkerImportResult {
  return db
    .transaction(() => {
      const created: Worker[] = [];
      const refused: { row: number; reason: string }[] = [];
      for (const row of preview.valid) {
        try {
          created.push(
            insertWorker(
              db,
              {
                name: row.name,
                phone: row.msisdn,
                staffNumber: row.staffNumber ?? null,
                nationalId: row.nationalId ?? null,
                department: row.department ?? null,
                defaultAmountCents: row.noAmount === true ? null : row.amountCents,
              },
              actor,
              'import',
            ),
          );
        } catch (error) {
          if (!(error instanceof ConflictError || error instanceof ValidationError)) throw error;
          refused.push({ row: row.row, reason: error.message });
        }
      }
      appendAudit(db, {
        actor,
        action: 'workers.imported',
        entity: 'worker',
        details: {
          fileName: fileName ?? null,
          created: created.length,
          refused: refused.length,
          invalidInFile: preview.invalid.length,
        },
      });
      return { created, refused };
    })
    .immediate();
}
