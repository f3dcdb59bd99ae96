// Contract methods for the worker list and payroll runs: import with a preview, create, send,
// pause/resume/cancel, results, what a retry would send, export. Review, approval, the maker's
// draft edits and retry requests are in run-review.ts.
import { z } from 'zod';
import {
  cents,
  exportFormat,
  id,
  isoInstant,
  msisdn,
  pageInput,
  plainReason,
  positiveCents,
  producedFile,
  uploadedFile,
} from './common';
import { importChoice, importPreview } from './imports';
import { phoneChangeView } from './worker-changes';

export const runStates = ['draft', 'approved', 'running', 'paused', 'completed', 'cancelled'] as const;
export const itemStates = ['draft', 'queued', 'paying', 'paid', 'failed', 'cancelled'] as const;
export const runDisplayStatuses = [
  'draft',
  'approved',
  'running',
  'paused',
  'completed',
  'partially_paid',
  'failed',
  'cancelled',
] as const;
export const commandIds = ['SalaryPayment', 'BusinessPayment', 'PromotionPayment'] as const;

export const workerView = z.object({
  id,
  name: z.string(),
  phone: msisdn,
  staffNumber: z.string().nullable(),
  nationalId: z.string().nullable(),
  department: z.string().nullable(),
  defaultAmountCents: cents.nullable(),
  notes: z.string().nullable(),
  createdAt: isoInstant,
  updatedAt: isoInstant,
  /** Deactivated workers stay (runs and the ledger point at them) but are not paid. */
  archivedAt: isoInstant.nullable(),
  /** A new M-Pesa number waiting for approval: until it is decided the worker is paid at neither. */
  pendingPhoneChange: phoneChangeView.nullable().optional(),
});
export type WorkerView = z.output<typeof workerView>;

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

const workerFields = {
  name: z.string().trim().min(1, 'The name is required').max(100),
  /** Any Kenyan format (0712 345 678, +254712345678…); Mshahara stores the MSISDN. */
  phone: z.string().trim().min(1, 'The phone number is required').max(32),
  staffNumber: optionalText(64),
  nationalId: optionalText(32),
  department: optionalText(100),
  defaultAmountCents: positiveCents.nullable().optional(),
  notes: optionalText(1000),
};

export { importPreview, type ImportPreviewView } from './imports';

const itemCounts = z.object(
  Object.fromEntries(itemStates.map((state) => [state, z.number().int().min(0)])) as Record<
    (typeof itemStates)[number],
    z.ZodNumber
  >,
);

export const runView = z.object({
  id,
  title: z.string(),
  period: z.string().nullable(),
  state: z.enum(runStates),
  /** What the officer reads: a completed run is judged by how its items ended. */
  displayStatus: z.enum(runDisplayStatuses),
  commandId: z.enum(commandIds),
  source: z.enum(['worker_list', 'file']),
  sourceFileName: z.string().nullable(),
  createdAt: isoInstant,
  approvedAt: isoInstant.nullable(),
  startedAt: isoInstant.nullable(),
  finishedAt: isoInstant.nullable(),
  cancelledAt: isoInstant.nullable(),
  counts: itemCounts,
  totals: z.object({
    count: z.number().int(),
    amountCents: cents,
    paidCents: cents,
    failedCents: cents,
    pendingCents: cents,
    cancelledCents: cents,
  }),
});
export type RunView = z.output<typeof runView>;

/** Can the utility account pay the run and its charges? null when no balance has been seen yet. */
export const floatCheck = z.object({
  requiredCents: cents,
  availableCents: cents.nullable(),
  enough: z.boolean().nullable(),
  observedAt: isoInstant.nullable(),
  message: z.string(),
});

export const runProgress = z.object({
  runId: id,
  state: z.enum(runStates),
  displayStatus: z.enum(runDisplayStatuses),
  counts: itemCounts,
  totals: runView.shape.totals,
  /** Items whose outcome only a person can settle (never re-sent on a guess). */
  needsAttention: z.number().int().min(0),
  /** Open findings: money that moved against the record (paid twice, paid after a recorded failure). */
  findings: z.number().int().min(0),
  /** Why new payments are held back (no answers arriving from M-Pesa), or null. */
  held: z.string().nullable(),
  /** Payment requests sent per second lately; null in a snapshot taken outside the engine. */
  ratePerSecond: z.number().min(0).nullable(),
  etaSeconds: z.number().min(0).nullable(),
  at: isoInstant,
});
export type RunProgress = z.output<typeof runProgress>;

export const runResultRow = z.object({
  itemId: id,
  lineNumber: z.number().int().nullable(),
  workerId: id.nullable(),
  name: z.string(),
  phone: msisdn,
  amountCents: cents,
  remarks: z.string().nullable(),
  state: z.enum(itemStates),
  receipt: z.string().nullable(),
  /** The name M-Pesa has registered for the number, and whether it differs from ours. */
  registeredName: z.string().nullable(),
  nameMismatch: z.boolean(),
  paidAt: isoInstant.nullable(),
  failure: plainReason.nullable(),
  attempts: z.number().int().min(0),
  needsAttention: z.boolean(),
});
export type RunResultRow = z.output<typeof runResultRow>;

/**
 * An earlier run that pays the same payroll (same file, or the same people and amounts), in any
 * state. Making another run from it needs an explicit "pay again".
 */
export const earlierPayroll = z.object({
  runId: id,
  title: z.string(),
  state: z.enum(runStates),
  createdAt: isoInstant,
  match: z.enum(['same_file', 'same_people']),
  paidCount: z.number().int().min(0),
  paidCents: cents,
  unsettledCount: z.number().int().min(0),
  count: z.number().int().min(0),
  message: z.string(),
});
export type EarlierPayrollView = z.output<typeof earlierPayroll>;

const runId = z.object({ runId: id }).strict();
const runHeader = {
  title: z.string().trim().min(1, 'The run needs a title').max(100),
  period: z.string().trim().max(32).nullable().optional(),
  commandId: z.enum(commandIds).optional(),
};

export const payrollMethods = {
  'workers.list': {
    input: z
      .object({
        search: z.string().max(100).optional(),
        include: z.enum(['active', 'archived', 'all']).default('active'),
        ...pageInput(1000),
      })
      .strict(),
    output: z.object({ workers: z.array(workerView), total: z.number().int() }),
  },
  'workers.add': { input: z.object(workerFields).strict(), output: workerView },
  'workers.edit': {
    input: z.object({ id, changes: z.object(workerFields).partial().strict() }).strict(),
    output: workerView,
  },
  'workers.deactivate': { input: z.object({ id }).strict(), output: workerView },
  'workers.restore': { input: z.object({ id }).strict(), output: workerView },
  'workers.importPreview': { input: z.object({ ...uploadedFile, ...importChoice }).strict(), output: importPreview },
  'workers.importCommit': {
    input: z.object({ ...uploadedFile, ...importChoice }).strict(),
    output: z.object({
      created: z.number().int(),
      refused: z.array(z.object({ row: z.number().int(), reason: z.string() })),
    }),
  },
  'workers.template': { input: z.object({ format: exportFormat }).strict(), output: producedFile },

  'runs.list': {
    input: z.object({ state: z.enum(runStates).optional(), ...pageInput(500, 50) }).strict(),
    output: z.object({ runs: z.array(runView), total: z.number().int() }),
  },
  /** A payroll file read without saving anything: the preview, its charges and the float check. */
  'runs.previewFile': {
    input: z.object({ ...uploadedFile, ...importChoice }).strict(),
    /** earlierRuns: runs that already pay this payroll; creating another then needs payAgain. */
    output: z.object({
      preview: importPreview,
      estimatedChargesCents: cents,
      floatCheck,
      earlierRuns: z.array(earlierPayroll),
    }),
  },
  'runs.createFromWorkers': {
    input: z
      .object({
        ...runHeader,
        remarks: z.string().trim().min(2).max(100).optional(),
        workers: z
          .array(
            z
              .object({
                workerId: id,
                amountCents: positiveCents.optional(),
                remarks: z.string().trim().min(2).max(100).optional(),
              })
              .strict(),
          )
          .min(1, 'Choose at least one worker'),
      })
      .strict(),
    output: runView,
  },
  /**
   * Refused (conflict, code payroll_paid_before) when an earlier run, in any state, was made from
   * the same file or pays the same people the same amounts, unless payAgain is true.
   */
  'runs.createFromFile': {
    input: z.object({ ...runHeader, ...uploadedFile, ...importChoice, payAgain: z.boolean().optional() }).strict(),
    output: runView,
  },
  'runs.start': { input: runId, output: runView },
  'runs.pause': { input: runId, output: runView },
  'runs.resume': { input: runId, output: runView },
  'runs.cancel': { input: runId, output: runView },
  'runs.progress': { input: runId, output: runProgress },
  'runs.results': {
    input: z
      .object({
        runId: id,
        show: z.enum(['all', 'paid', 'failed', 'pending', 'needs_attention', 'name_mismatch']).default('all'),
        search: z.string().max(100).optional(),
        ...pageInput(1000, 200),
      })
      .strict(),
    output: z.object({ items: z.array(runResultRow), total: z.number().int() }),
  },
  /** What "retry failed" would send again: the definitively failed payments of the run (nothing is sent). */
  'runs.retryFailed': {
    input: runId,
    output: z.object({
      runId: id,
      count: z.number().int(),
      amountCents: cents,
      estimatedChargesCents: cents,
      items: z.array(runResultRow),
    }),
  },
  'runs.export': { input: z.object({ runId: id, format: exportFormat }).strict(), output: producedFile },
} as const;
