// The audit view: who did what and when, read from the audit log newest first, filtered, a page at
// a time, each entry in plain words with the before → after it carries; and the chain checked on
// demand, naming the first entry that does not hold. Reads only: appendAudit is the log's one writer.
import { UnavailableError, ValidationError } from '../../shared/errors';
import { foldForSearch } from '../../shared/search-fold';
import { nairobiDayStart } from '../../shared/time';
import type { ProfileDatabase } from '../db';
import { likePattern } from '../payroll/workers';
import { verifyAuditChainInSlices, type AuditBreak } from './audit';
import { auditAlarmOf } from './audit-alarm';
import { auditChanges, auditWords, type AuditChange } from './audit-words';

/** Which entries to list. Days are Nairobi calendar days ("2026-11-03"), both inclusive. */
export interface AuditFilter {
  from?: string | undefined;
  to?: string | undefined;
  /** Who: the username (or 'system') as the entry names them; case does not matter. */
  actor?: string | undefined;
  /** What: one action ('payroll_run.approval_recorded'). */
  action?: string | undefined;
  /** What kind of thing it was done to ('payroll_run', 'worker', 'account', 'settings'). */
  entity?: string | undefined;
  /** Which one of them: the id the entry names. */
  entityId?: string | undefined;
  /** Words anywhere in the entry: who, what, the details; ignores case and accents. */
  search?: string | undefined;
}

export interface AuditViewEntry {
  id: number;
  /** When it was written: an ISO instant. */
  at: string;
  /** Who, as the entry names them: a username, or 'system' for the payout engine. */
  actor: string;
  /** The account's display name when an account of that username exists. */
  actorName: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  /** What was done, in plain words ("approved payroll run #12"). */
  words: string;
  /** Before → after, where the entry carries them; empty otherwise. */
  changes: AuditChange[];
  /** The details as stored (canonical JSON), for the detail view. */
  details: string;
}

export interface AuditPage {
  entries: AuditViewEntry[];
  /** Entries in the whole filtered set. */
  total: number;
}

interface Where {
  sql: string;
  params: Record<string, unknown>;
}

/** The Nairobi day after `day`, as "2026-11-04": a range's exclusive end. */
function dayAfter(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

const nonEmpty = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
};

function whereOf(filter: AuditFilter): Where {
  const clauses: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to)
    throw new ValidationError('The start date must be on or before the end date');
  if (filter.from !== undefined) {
    clauses.push('l.at >= @from');
    params.from = nairobiDayStart(filter.from);
  }
  if (filter.to !== undefined) {
    clauses.push('l.at < @to');
    params.to = nairobiDayStart(dayAfter(filter.to));
  }
  const actor = nonEmpty(filter.actor);
  if (actor !== undefined) {
    clauses.push('l.actor = @actor COLLATE NOCASE');
    params.actor = actor;
  }
  const action = nonEmpty(filter.action);
  if (action !== undefined) {
    clauses.push('l.action = @action');
    params.action = action;
  }
  const entity = nonEmpty(filter.entity);
  if (entity !== undefined) {
    clauses.push('l.entity = @entity');
    params.entity = entity;
  }
  const entityId = nonEmpty(filter.entityId);
  if (entityId !== undefined) {
    clauses.push('l.entity_id = @entityId');
    params.entityId = entityId;
  }
  const search = nonEmpty(filter.search);
  if (search !== undefined) {
    // One fold per entry over its texts (a separator no search contains keeps them apart).
    clauses.push(
      "fold(l.actor || char(31) || coalesce(acc.display_name, '') || char(31) || l.action || char(31) || l.entity || char(31) || coalesce(l.entity_id, '') || char(31) || l.details) LIKE @like ESCAPE '\\'",
    );
    params.like = `%${likePattern(foldForSearch(search))}%`;
  }
  return { sql: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
}

// accounts.username is COLLATE NOCASE: the join finds the account whatever case the entry used.
const fromSql = 'FROM audit_log l LEFT JOIN accounts acc ON acc.username = l.actor';

interface EntryRow {
  id: number;
  at: string;
  actor: string;
  actor_name: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  details: string;
}

function parsedDetails(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    // An entry edited outside Mshahara may not parse; the chain check names it, the view still lists it.
    return {};
  }
}

function toEntry(row: EntryRow): AuditViewEntry {
  const details = parsedDetails(row.details);
  const facts = { action: row.action, entity: row.entity, entityId: row.entity_id, details };
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    actorName: row.actor_name,
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    words: auditWords(facts),
    changes: auditChanges(details),
    details: row.details,
  };
}

const entryColumns = 'l.id, l.at, l.actor, acc.display_name AS actor_name, l.action, l.entity, l.entity_id, l.details';

/** Every entry of the filtered set, newest first, read one at a time (for exports). */
export function* iterateAuditEntries(db: ProfileDatabase, filter: AuditFilter = {}): Generator<AuditViewEntry> {
  const where = whereOf(filter);
  const rows = db
    .prepare(`SELECT ${entryColumns} ${fromSql} ${where.sql} ORDER BY l.id DESC`)
    .iterate(where.params) as IterableIterator<EntryRow>;
  for (const row of rows) yield toEntry(row);
}

/** One page of the filtered entries, newest first, with how many there are in all. */
export function listAuditEntries(
  db: ProfileDatabase,
  filter: AuditFilter = {},
  page: { limit: number; offset: number } = { limit: 100, offset: 0 },
): AuditPage {
  const where = whereOf(filter);
  const rows = db
    .prepare(`SELECT ${entryColumns} ${fromSql} ${where.sql} ORDER BY l.id DESC LIMIT @limit OFFSET @offset`)
    .all({ ...where.params, limit: page.limit, offset: page.offset }) as EntryRow[];
  // Only a search reads the account's name: without one, the count needs no join.
  const countFrom = where.params.like === undefined ? 'FROM audit_log l' : fromSql;
  const { total } = db.prepare(`SELECT count(*) AS total ${countFrom} ${where.sql}`).get(where.params) as {
    total: number;
  };
  return { entries: rows.map(toEntry), total };
}

/** The people who appear in the log, for the screen's "who" filter: usernames with display names. */
export function auditActors(db: ProfileDatabase): { actor: string; actorName: string | null }[] {
  return db
    .prepare(
      `SELECT a.actor, acc.display_name AS actorName
         FROM (SELECT DISTINCT actor FROM audit_log) a LEFT JOIN accounts acc ON acc.username = a.actor
        ORDER BY a.actor COLLATE NOCASE`,
    )
    .all() as { actor: string; actorName: string | null }[];
}

/** The answer of a check of the whole chain. */
export type AuditVerdict =
  | { ok: true; entries: number }
  | {
      ok: false;
      /** The first entry that does not hold (for entries removed from the end, the first id missing). */
      entryId: number;
      /** When that entry says it was written; null when it is gone. */
      at: string | null;
      /** What that entry says, in words, as it reads now; null when it is gone. */
      words: string | null;
      problem: AuditBreak;
      /** What is wrong and what to do, in plain words. */
      message: string;
    };

/**
 * Checks the whole chain now, with the key registered on this connection, in slices so a long log
 * never holds up payments. Answers ok with the count, or the first entry that does not hold.
 */
export async function verifyAuditLog(db: ProfileDatabase): Promise<AuditVerdict> {
  const check = await verifyAuditChainInSlices(db);
  if (check === null) throw new UnavailableError('The profile was closed before its audit log was checked.');
  if (check.ok) return { ok: true, entries: check.rows };
  const alarm = auditAlarmOf(check);
  const row = db.prepare(`SELECT ${entryColumns} ${fromSql} WHERE l.id = ?`).get(check.brokenAt) as
    EntryRow | undefined;
  return {
    ok: false,
    entryId: check.brokenAt,
    at: check.at,
    words: row === undefined ? null : toEntry(row).words,
    problem: check.problem,
    message: alarm?.message ?? check.reason,
  };
}
