// Contract methods for a worker's history and the changes of M-Pesa number that wait for a second
// person: the pending list, approve, reject (src/main/payroll/phone-changes.ts, phone-decisions.ts).
import { z } from 'zod';
import { empty, id, isoInstant, msisdn } from './common';

export const phoneChangeStatuses = ['pending', 'approved', 'rejected', 'withdrawn'] as const;

/** A change of a worker's M-Pesa number; while pending the worker is paid at neither number. */
export const phoneChangeView = z.object({
  id,
  workerId: id,
  workerName: z.string(),
  /** The number paid before the change; it comes back if the change is rejected. */
  oldPhone: msisdn,
  newPhone: msisdn,
  changedBy: z.string(),
  changedByName: z.string(),
  changedAt: isoInstant,
  status: z.enum(phoneChangeStatuses),
  decidedBy: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: isoInstant.nullable(),
});
export type PhoneChangeView = z.output<typeof phoneChangeView>;

export const workerHistoryKinds = [
  'added',
  'edited',
  'archived',
  'restored',
  'phone_change_requested',
  'phone_change_approved',
  'phone_change_rejected',
  'phone_change_withdrawn',
  'other',
] as const;

const fieldValue = z.union([z.string(), z.number()]).nullable();

export const workerHistoryEntry = z.object({
  id: id,
  at: isoInstant,
  actor: z.string(),
  actorName: z.string(),
  kind: z.enum(workerHistoryKinds),
  action: z.string(),
  via: z.enum(['form', 'import']).nullable(),
  /** Each field as it was before and after; phone numbers as MSISDNs, amounts in cents. */
  changes: z.array(z.object({ field: z.string(), before: fieldValue, after: fieldValue })),
});
export type WorkerHistoryEntryView = z.output<typeof workerHistoryEntry>;

export const workerChangeMethods = {
  /** Everything that happened to one worker, newest first, from the audit log. */
  'workers.history': {
    input: z.object({ id }).strict(),
    output: z.object({ entries: z.array(workerHistoryEntry) }),
  },
  /** Changes of M-Pesa number waiting for an approver, oldest first. */
  'workers.phoneChanges': { input: empty, output: z.object({ changes: z.array(phoneChangeView) }) },
  'workers.approvePhoneChange': { input: z.object({ changeId: id }).strict(), output: phoneChangeView },
  'workers.rejectPhoneChange': { input: z.object({ changeId: id }).strict(), output: phoneChangeView },
} as const;
