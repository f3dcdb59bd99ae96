// Contract methods for what the approver sees and what the maker does with a draft: the review of
// a run (every line, paged; what changed since these people were last paid; the approval state in
// words; each possible double payment), approval with each warning acknowledged, the maker's
// edits and discard, and retries asked for by one person and approved by another.
import { z } from 'zod';
import { cents, id, isoInstant, msisdn, pageInput, positiveCents } from './common';
import { earlierPayroll, floatCheck, importPreview, runView } from './payroll';

const runId = z.object({ runId: id }).strict();

/** The person's last paid line elsewhere, for the approver to compare. */
const lastPaid = z.object({
  runId: id,
  runTitle: z.string(),
  name: z.string(),
  phone: msisdn,
  amountCents: cents,
  matchedBy: z.enum(['worker', 'phone', 'name']),
});

export const reviewLine = z.object({
  itemId: id,
  lineNumber: z.number().int().nullable(),
  workerId: id.nullable(),
  name: z.string(),
  phone: msisdn,
  amountCents: cents,
  remarks: z.string().nullable(),
  /** new: never paid before; changed: number, name or amount differs from their last paid line. */
  change: z.enum(['new', 'changed', 'same']),
  phoneChanged: z.boolean(),
  nameChanged: z.boolean(),
  amountChanged: z.boolean(),
  lastPaid: lastPaid.nullable(),
});
export type ReviewLine = z.output<typeof reviewLine>;

export const duplicateWarning = z.object({
  /** What the approver acknowledges: runs.approve takes the keys of every warning ticked. */
  key: z.string(),
  itemId: id,
  name: z.string(),
  phone: msisdn,
  amountCents: cents,
  otherRunId: id,
  otherRunTitle: z.string(),
  message: z.string(),
});
export type DuplicateWarningView = z.output<typeof duplicateWarning>;

const person = z.object({ username: z.string(), displayName: z.string() });

export const approvalView = z.object({
  /** The policy in words; "single person" shows when the admin chose it. */
  policyWords: z.string(),
  singlePerson: z.boolean(),
  /** People who act on this run at its total, the maker included. */
  peopleNeeded: z.number().int().min(1).max(3),
  approvalsNeeded: z.number().int().min(0),
  approvalsCounted: z.number().int().min(0),
  maker: person.nullable(),
  approvals: z.array(
    person.extend({
      approvedAt: isoInstant,
      counts: z.boolean(),
      voidedAt: isoInstant.nullable(),
      voidReason: z.string().nullable(),
    }),
  ),
  /** "Approved by Baraka Mwangi at 3 Nov 2026, 14:02; needs one more approver other than Amina Odhiambo". */
  summary: z.string(),
  canSend: z.boolean(),
  /** Why it cannot be sent yet, in words; null when it can. */
  blocker: z.string().nullable(),
});
export type ApprovalView = z.output<typeof approvalView>;

export const retryRequestView = z.object({
  requestedBy: person,
  requestedAt: isoInstant,
  count: z.number().int(),
  amountCents: cents,
});

export const runReviewOutput = z.object({
  run: runView,
  /**
   * estimatedCents: the tariff's charge for every line paid or to pay. recordedCents: the charges
   * on paid lines as best known, confirmedCents of it named by M-Pesa (answer or statement),
   * stillEstimatedCents the tariff's figure until the statement confirms it.
   */
  charges: z.object({
    estimatedCents: cents,
    recordedCents: cents,
    confirmedCents: cents,
    stillEstimatedCents: cents,
  }),
  floatCheck,
  duplicateWarnings: z.array(duplicateWarning),
  /** Rows of the file that are not in the run, with reasons (file runs created in this session). */
  leftOutRows: importPreview.shape.invalid,
  nameMismatches: z.number().int(),
  /** Other runs paying this same payroll (same file, or the same people and amounts). */
  earlierRuns: z.array(earlierPayroll),
  /** One page of the run's lines (all, or only those new or changed since last paid). */
  lines: z.object({ items: z.array(reviewLine), total: z.number().int() }),
  changeCounts: z.object({
    newPeople: z.number().int(),
    phoneChanged: z.number().int(),
    nameChanged: z.number().int(),
    amountChanged: z.number().int(),
    unchanged: z.number().int(),
  }),
  approval: approvalView,
  /** What the person looking may do here, as the core decides it (the screens only show it). */
  viewer: z.object({
    isMaker: z.boolean(),
    mayApprove: z.boolean(),
    mayEdit: z.boolean(),
    /** A payroll officer, who may ask for the failed payments to be sent again. */
    mayAskRetry: z.boolean(),
    /** An approver other than the one who asked, while a retry request waits. */
    mayApproveRetry: z.boolean(),
  }),
  /** The open request to send failed payments again, waiting for an approver; null when none. */
  retryRequest: retryRequestView.nullable(),
});
export type RunReview = z.output<typeof runReviewOutput>;

const lineChanges = z
  .object({
    amountCents: positiveCents.optional(),
    phone: z.string().trim().min(1).max(32).optional(),
    name: z.string().trim().min(1).max(100).optional(),
    remarks: z.string().trim().min(2).max(100).optional(),
  })
  .strict();

export const runReviewMethods = {
  'runs.review': {
    input: z
      .object({
        runId: id,
        lines: z
          .object({ show: z.enum(['all', 'changed']).default('all'), ...pageInput(1000, 200) })
          .strict()
          .optional(),
      })
      .strict(),
    output: runReviewOutput,
  },
  /**
   * Refused (validation, code warnings_not_acknowledged) while any duplicate warning the run shows
   * now is missing from acknowledgedWarnings; refused (code maker_cannot_approve) for the run's maker.
   */
  'runs.approve': {
    input: z
      .object({ runId: id, acknowledgedWarnings: z.array(z.string().max(200)).max(100_000).default([]) })
      .strict(),
    output: runView,
  },
  /** The maker changes a line of their draft; standing approvals are voided. */
  'runs.editLine': {
    input: z.object({ itemId: id, changes: lineChanges }).strict(),
    output: runView,
  },
  'runs.removeLine': { input: z.object({ itemId: id }).strict(), output: runView },
  'runs.addWorkers': {
    input: z
      .object({
        runId: id,
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
  /** The maker discards their draft: cancelled with nothing ever sent, kept on record. */
  'runs.discard': { input: runId, output: runView },
  /** A payroll officer asks for the run's failed payments to be sent again (nothing is sent yet). */
  'runs.requestRetry': { input: runId, output: retryRequestView },
  /** An approver other than the one who asked approves: those failed payments are sent again, each as a new attempt. */
  'runs.approveRetry': { input: runId, output: z.object({ run: runView, queued: z.number().int() }) },
} as const;
