// Contract methods for accountants' reports: the failed-payments report (every try M-Pesa refused,
// why, and what became of the line afterwards), a page at a time, and its export.
import { z } from 'zod';
import {
  cents,
  exportFormat,
  id,
  isoInstant,
  msisdn,
  nairobiDay,
  pageInput,
  plainReason,
  producedFile,
} from './common';

export const failedPaymentsFilter = z
  .object({
    from: nairobiDay.optional(),
    to: nairobiDay.optional(),
    runId: id.optional(),
    /** Part of a name, a phone number in any Kenyan format, a run title or a payroll reference. */
    search: z.string().trim().max(100).optional(),
  })
  .strict()
  .refine(
    (f) => f.from === undefined || f.to === undefined || f.from <= f.to,
    'The start date must be on or before the end date',
  );
export type FailedPaymentsFilter = z.output<typeof failedPaymentsFilter>;

/** What became of the line after the try failed. */
export const failedPaymentOutcomes = ['paid', 'retry_waiting', 'retry_sending', 'unpaid', 'cancelled'] as const;
export type FailedPaymentOutcome = (typeof failedPaymentOutcomes)[number];

export const failedPaymentRow = z.object({
  attemptId: id,
  failedAt: isoInstant.nullable(),
  runId: id,
  runTitle: z.string(),
  runPeriod: z.string().nullable(),
  itemId: id,
  /** The payroll reference the line carried in its file. */
  reference: z.string().nullable(),
  name: z.string(),
  /** The number and amount this try sent. */
  phone: msisdn,
  amountCents: cents,
  reason: plainReason,
  /** Which try at the line this was (1 for the first). */
  attemptNumber: z.number().int().min(1),
  next: z.object({
    outcome: z.enum(failedPaymentOutcomes),
    attemptNumber: z.number().int().nullable(),
    receipt: z.string().nullable(),
    paidAt: isoInstant.nullable(),
    /** The same in words: "Paid on try 2, receipt TKL3M9Q2XA". */
    words: z.string(),
  }),
});
export type FailedPaymentRow = z.output<typeof failedPaymentRow>;

export const reportMethods = {
  'reports.failedPayments': {
    input: z.object({ filter: failedPaymentsFilter.default({}), ...pageInput(500, 100) }).strict(),
    output: z.object({
      rows: z.array(failedPaymentRow),
      /** Failed tries in the whole filtered set. */
      total: z.number().int(),
      totals: z.object({
        failedTries: z.number().int(),
        failedCents: cents,
        /** Lines among them whose final state is failed, each once. */
        unpaidLines: z.number().int(),
        unpaidCents: cents,
      }),
    }),
  },
  'reports.failedPaymentsExport': {
    input: z.object({ filter: failedPaymentsFilter.default({}), format: exportFormat }).strict(),
    output: producedFile,
  },
} as const;
