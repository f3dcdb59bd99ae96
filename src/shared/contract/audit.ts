// Contract methods for the audit view: the log a page at a time (who, when, what in words, before
// → after), its export as CSV or XLSX, and a check of the whole keyed chain on demand.
import { z } from 'zod';
import { auditAlarm } from './money';
import { empty, exportFormat, id, isoInstant, nairobiDay, pageInput, producedFile } from './common';

const name = z.string().trim().max(100);

export const auditFilter = z
  .object({
    from: nairobiDay.optional(),
    to: nairobiDay.optional(),
    /** Who: a username, or "system" for the payout engine. */
    actor: name.optional(),
    /** What: one action, as stored ("payroll_run.approval_recorded"). */
    action: name.optional(),
    /** What kind of thing it was done to ("payroll_run", "worker", "account", "settings"). */
    entity: name.optional(),
    /** Which one: the id the entry names. */
    entityId: name.optional(),
    /** Words anywhere in the entry; ignores case and accents. */
    search: name.optional(),
  })
  .strict()
  .refine(
    (f) => f.from === undefined || f.to === undefined || f.from <= f.to,
    'The start date must be on or before the end date',
  );
export type AuditFilter = z.output<typeof auditFilter>;

export const auditChange = z.object({ field: z.string(), before: z.string(), after: z.string() });
export type AuditChange = z.output<typeof auditChange>;

export const auditEntry = z.object({
  id,
  at: isoInstant,
  /** A username, or "system". */
  actor: z.string(),
  /** The account's display name when the account exists. */
  actorName: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  /** What was done, in plain words ("approved payroll run #12"). */
  words: z.string(),
  /** Before → after, where the entry carries them. */
  changes: z.array(auditChange),
  /** The details as stored (JSON). */
  details: z.string(),
});
export type AuditEntry = z.output<typeof auditEntry>;

export const auditVerdict = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), entries: z.number().int().min(0), checkedAt: isoInstant }),
  z.object({
    ok: z.literal(false),
    checkedAt: isoInstant,
    entryId: id,
    at: isoInstant.nullable(),
    /** What the broken entry says, as it reads now; null when it was removed. */
    words: z.string().nullable(),
    problem: auditAlarm.shape.problem,
    message: z.string(),
  }),
]);
export type AuditVerdict = z.output<typeof auditVerdict>;

export const auditMethods = {
  'audit.list': {
    input: z.object({ filter: auditFilter.default({}), ...pageInput(500, 100) }).strict(),
    output: z.object({
      entries: z.array(auditEntry),
      total: z.number().int().min(0),
      /** Everyone who appears in the log, for the "who" filter. */
      actors: z.array(z.object({ actor: z.string(), actorName: z.string().nullable() })),
      /** The actions Mshahara describes in words, for the "what" filter. */
      actions: z.array(z.string()),
    }),
  },
  'audit.export': {
    input: z.object({ filter: auditFilter.default({}), format: exportFormat }).strict(),
    output: producedFile,
  },
  'audit.verify': {
    input: empty,
    output: auditVerdict,
  },
} as const;
