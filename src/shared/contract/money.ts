// Contract methods for where the money is and where it went: the dashboard and float, the ledger
// (filtered, sorted, paged, exported), and the inbox of raw callbacks with the action to settle them.
import { callbackKinds as inboxKinds } from '../callback-kinds';
import { z } from 'zod';
import { cents, empty, exportFormat, id, isoInstant, msisdn, nairobiDay, pageInput, producedFile } from './common';

import { chargeBases, transactionKinds, transactionStatuses } from '../contract-values';

export { chargeBases, transactionKinds, transactionStatuses, type ChargeBasis } from '../contract-values';
export { inboxKinds };
export const inboxFlags = ['unmatched', 'amount_mismatch', 'party_mismatch', 'duplicate', 'malformed', 'late'] as const;

export const floatAccount = z.object({
  /** As M-Pesa names it: 'Utility Account', 'Working Account', 'Charges Paid Account', … */
  account: z.string(),
  availableCents: cents,
  currentCents: cents.nullable(),
  reservedCents: cents.nullable(),
  unclearedCents: cents.nullable(),
});

/** The float from the latest balance answer; observedAt null when M-Pesa has not answered yet. */
export const floatView = z.object({
  accounts: z.array(floatAccount),
  observedAt: isoInstant.nullable(),
  utilityAvailableCents: cents.nullable(),
});
export type FloatView = z.output<typeof floatView>;

export const ledgerRow = z.object({
  id,
  receipt: z.string().nullable(),
  occurredAt: isoInstant,
  direction: z.enum(['in', 'out']),
  kind: z.enum(transactionKinds),
  status: z.enum(transactionStatuses),
  amountCents: cents,
  /** The charge as best known (see chargeBasis); null when the movement carries none. */
  chargeCents: cents.nullable(),
  /**
   * How the charge is known: 'confirmed' by the charge row of an imported M-Pesa statement,
   * 'reported' in M-Pesa's answer, or 'estimated' from the tariff until one of those arrives.
   */
  chargeBasis: z.enum(chargeBases).nullable(),
  phone: msisdn.nullable(),
  partyName: z.string().nullable(),
  accountReference: z.string().nullable(),
  runId: id.nullable(),
  runTitle: z.string().nullable(),
  /** The pay period the run names ('2026-11'), when it names one. */
  runPeriod: z.string().nullable(),
  /** The payroll reference of the line that paid it (the file's reference or remarks). */
  reference: z.string().nullable(),
  resultCode: z.string().nullable(),
  /** A later row corrects this one (the ledger is append-only; corrections point back). */
  corrected: z.boolean(),
  /**
   * The reversal that sent this payment back: its receipt, or null while M-Pesa's "already
   * reversed" waits for the statement to show it. Absent (or null) when it was not reversed.
   */
  reversedBy: z.object({ receipt: z.string().nullable() }).nullable().optional(),
});
export type LedgerRow = z.output<typeof ledgerRow>;

const amountBound = z.number().int().min(0);

export const ledgerFilter = z
  .object({
    from: nairobiDay.optional(),
    to: nairobiDay.optional(),
    kinds: z.array(z.enum(transactionKinds)).optional(),
    statuses: z.array(z.enum(transactionStatuses)).optional(),
    direction: z.enum(['in', 'out']).optional(),
    minCents: amountBound.optional(),
    maxCents: amountBound.optional(),
    /** A receipt, a phone number in any Kenyan format, or part of a name, run title or payroll reference. */
    search: z.string().trim().max(100).optional(),
    /** Only the payments of one payroll run. */
    runId: id.optional(),
  })
  .strict()
  .refine(
    (f) => f.from === undefined || f.to === undefined || f.from <= f.to,
    'The start date must be on or before the end date',
  )
  .refine(
    (f) => f.minCents === undefined || f.maxCents === undefined || f.minCents <= f.maxCents,
    'The lowest amount must not be above the highest',
  );
export type LedgerFilter = z.output<typeof ledgerFilter>;

export const ledgerSort = z
  .object({
    by: z.enum(['occurredAt', 'amount']).default('occurredAt'),
    direction: z.enum(['asc', 'desc']).default('desc'),
  })
  .strict();

/** Where the next page starts (the last row's sort value and id): stable while new payments arrive. */
export const ledgerCursor = z.object({ value: z.union([z.string(), z.number()]), id }).strict();

export const inboxEntry = z.object({
  id,
  receivedAt: isoInstant,
  source: z.string(),
  kind: z.enum(inboxKinds),
  applied: z.boolean(),
  flag: z.enum(inboxFlags).nullable(),
  /** Plain words: why it was not applied, or what it settled. */
  reason: z.string().nullable(),
  processedAt: isoInstant.nullable(),
  /** When a person settled it from the inbox (its flag stays as evidence of what arrived). */
  settledAt: isoInstant.nullable(),
  /** A receipt or conversation id to recognise it by, when the body has one. */
  reference: z.string().nullable(),
  /** The callback exactly as it arrived (JSON text). */
  body: z.string(),
  /** Flagged for a person, not settled yet, and a status query could settle it. */
  canSettle: z.boolean(),
});
export type InboxEntry = z.output<typeof inboxEntry>;

/**
 * The audit log does not hold together: someone changed the profile's database outside Mshahara.
 * Checked each time a profile opens; payments carry on, a person must be told.
 */
export const auditAlarm = z.object({
  /** The first entry that does not hold. */
  entryId: id,
  /** When that entry says it was written; null when it was removed. */
  at: isoInstant.nullable(),
  problem: z.enum(['edited', 'unreadable', 'out_of_order', 'missing', 'missing_at_end', 'rebuilt', 'unverifiable']),
  /** What to show, in plain words: what is wrong, where, and what to do. */
  message: z.string(),
});
export type AuditAlarm = z.output<typeof auditAlarm>;

export const moneyMethods = {
  'dashboard.summary': {
    input: empty,
    output: z.object({
      float: floatView,
      /** This calendar month in Nairobi. */
      /** chargesCents as best known; estimatedChargesCents the part of it still estimated from the tariff. */
      month: z.object({
        label: z.string(),
        paidCount: z.number().int(),
        paidCents: cents,
        chargesCents: cents,
        estimatedChargesCents: cents,
      }),
      /** Paid ÷ settled payouts over the last 30 days; null before any settled. */
      successRate: z.number().min(0).max(1).nullable(),
      needsAttention: z.object({
        total: z.number().int(),
        unknownPayouts: z.number().int(),
        failedPayouts: z.number().int(),
        inbox: z.number().int(),
        /** Money that moved against the record (paid twice, paid after a recorded failure). */
        findings: z.number().int(),
        /** Statement rows showing a payment M-Pesa made that Mshahara recorded as failed, not settled yet. */
        paidButRecordedFailed: z.number().int(),
      }),
      /** Why the engine holds new payments back (no answers arriving from M-Pesa), or null. */
      paymentsHeld: z.string().nullable(),
      /** The audit log was changed outside Mshahara; null while it holds (or is still being checked). */
      auditAlarm: auditAlarm.nullable(),
      /** The last 30 Nairobi days, oldest first, every day present. */
      payoutsPerDay: z.array(z.object({ day: nairobiDay, count: z.number().int(), amountCents: cents })),
      recentRuns: z.array(
        z.object({ id, title: z.string(), displayStatus: z.string(), amountCents: cents, createdAt: isoInstant }),
      ),
    }),
  },
  /** Asks M-Pesa for the balance; the answer arrives by callback (event balance.changed). */
  'balance.refresh': {
    input: empty,
    output: z.object({ requested: z.boolean(), message: z.string(), float: floatView }),
  },
  'ledger.list': {
    /** Page by `offset` (jump anywhere, e.g. a scrolled virtual table) or by `after` (the previous page's `next`). */
    input: z
      .object({
        filter: ledgerFilter.default({}),
        sort: ledgerSort.default({ by: 'occurredAt', direction: 'desc' }),
        ...pageInput(1000, 200),
        after: ledgerCursor.optional(),
      })
      .strict(),
    output: z.object({
      rows: z.array(ledgerRow),
      /** Of the whole filtered set, not just this page. */
      total: z.number().int(),
      /** chargesCents as best known; estimatedChargesCents the part of it still estimated from the tariff. */
      totals: z.object({ inCents: cents, outCents: cents, chargesCents: cents, estimatedChargesCents: cents }),
      next: ledgerCursor.nullable(),
    }),
  },
  'ledger.detail': {
    input: z.object({ id }).strict(),
    output: z.object({
      transaction: ledgerRow.extend({
        partyDisplay: z.string().nullable(),
        resultDesc: z.string().nullable(),
        utilityBalanceCents: cents.nullable(),
        recordedAt: isoInstant,
        correctsId: id.nullable(),
        correctionReason: z.string().nullable(),
        attemptId: id.nullable(),
        itemId: id.nullable(),
      }),
      /** The callback the row was read from, as it arrived; null when none (e.g. a status query answer lost). */
      callback: inboxEntry.nullable(),
      corrections: z.array(ledgerRow),
    }),
  },
  'ledger.export': {
    input: z
      .object({
        filter: ledgerFilter.default({}),
        sort: ledgerSort.default({ by: 'occurredAt', direction: 'desc' }),
        format: exportFormat,
      })
      .strict(),
    output: producedFile,
  },
  'inbox.list': {
    input: z
      .object({ show: z.enum(['all', 'needs_action', 'unmatched', 'flagged']).default('all'), ...pageInput(500, 100) })
      .strict(),
    output: z.object({ entries: z.array(inboxEntry), total: z.number().int(), needsAction: z.number().int() }),
  },
  /** Asks M-Pesa for the status of what the callback is about, and applies the answer. */
  'inbox.settle': {
    input: z.object({ id }).strict(),
    output: z.object({ entry: inboxEntry, settled: z.boolean(), message: z.string() }),
  },
} as const;
