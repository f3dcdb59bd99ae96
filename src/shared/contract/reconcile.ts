// Reconciliation in the contract: importing an M-Pesa statement (with a preview), the matching
// buckets, a reconciliation per account and period with ticks, decisions and a finish that locks,
// its history and its report; the float statement of an account and its exports (Xero, QuickBooks).
import { z } from 'zod';
import { cents, exportFormat, id, isoInstant, producedFile, uploadedFile } from './common';

import { buckets } from '../contract-values';

export { buckets, xeroLinesPerFile } from '../contract-values';
const bucket = z.enum(buckets);
const totals = z.object({ count: z.number().int(), paidInCents: cents, withdrawnCents: cents });
const bucketSummary = z.object({
  matched: totals,
  difference: totals,
  charge: totals,
  reversal: totals,
  statement_only: totals,
  serious: z.number().int(),
});
const problem = z.object({ line: z.number().int(), reason: z.string() });
const gap = z.object({ after: z.string(), before: z.string(), missingCents: cents });
const account = z.string().trim().min(1).max(80);
const period = z
  .string()
  .trim()
  .regex(
    /^\d{4}-\d{2}(-\d{2}\.\.\d{4}-\d{2}-\d{2})?$/,
    'A period is a month like 2026-12 or days like 2026-12-01..2026-12-15',
  );

export const statementPreview = z.object({
  account: z.string(),
  organisation: z.string().nullable(),
  openingBalanceCents: cents.nullable(),
  closingBalanceCents: cents.nullable(),
  rowCount: z.number().int(),
  problems: z.array(problem),
  gaps: z.array(gap),
  /** The first rows as read, for the person to recognise the file. */
  sample: z.array(
    z.object({
      line: z.number().int(),
      receipt: z.string(),
      completedAt: isoInstant,
      details: z.string(),
      paidInCents: cents,
      withdrawnCents: cents,
      balanceCents: cents.nullable(),
      otherParty: z.string().nullable(),
    }),
  ),
});

export const statementImport = z.object({
  importId: id,
  account: z.string(),
  rowsRead: z.number().int(),
  rowsNew: z.number().int(),
  rowsRepeated: z.number().int(),
  problems: z.array(problem),
  gaps: z.array(gap),
  buckets: bucketSummary,
});

const difference = z.object({ field: z.string(), statement: z.string(), ledger: z.string() });
const proposal = z.object({
  attemptId: id,
  itemId: id,
  runId: id,
  name: z.string(),
  phone: z.string(),
  amountCents: cents,
  state: z.string(),
  needsAttention: z.boolean(),
});

/** A statement row as M-Pesa printed it, as both the reconcile view and the float statement show it. */
const statementRowFields = {
  statementRowId: id,
  receipt: z.string(),
  completedAt: isoInstant,
  details: z.string(),
  otherParty: z.string().nullable(),
  paidInCents: cents,
  withdrawnCents: cents,
  balanceCents: cents.nullable(),
};

export const reconcileRow = z.object({
  ...statementRowFields,
  linkedReceipt: z.string().nullable(),
  bucket,
  differences: z.array(difference),
  serious: z.string().nullable(),
  proposals: z.array(proposal),
  settlement: z.string().nullable(),
  note: z.string().nullable(),
  ticked: z.boolean(),
  locked: z.boolean(),
  ledger: z
    .object({
      id,
      receipt: z.string().nullable(),
      amountCents: cents,
      direction: z.string(),
      status: z.string(),
      phone: z.string().nullable(),
      partyName: z.string().nullable(),
      occurredAt: isoInstant,
    })
    .nullable(),
  confirmedChargeCents: cents.nullable(),
});
export type ReconcileRowView = z.output<typeof reconcileRow>;

export const reconciliationView = z.object({
  id: id.nullable(),
  account: z.string(),
  period: z.string(),
  from: isoInstant,
  to: isoInstant,
  state: z.enum(['open', 'finished', 'not_started']),
  openingBalanceCents: cents,
  closingBalanceCents: cents,
  statementNetCents: cents,
  ledgerNetCents: cents,
  clearedCents: cents,
  differenceCents: cents,
  finishedAt: isoInstant.nullable(),
  finishedBy: z.string().nullable(),
  buckets: bucketSummary,
  rows: z.array(reconcileRow),
  onlyInLedger: z.array(
    z.object({
      id,
      receipt: z.string().nullable(),
      occurredAt: isoInstant,
      direction: z.string(),
      kind: z.string(),
      amountCents: cents,
      phone: z.string().nullable(),
      partyName: z.string().nullable(),
    }),
  ),
});
export type ReconciliationViewData = z.output<typeof reconciliationView>;

/** The float statement of one account for a period: M-Pesa's own balances, every movement, the check. */
export const floatStatementView = z.object({
  account: z.string(),
  period: z.string(),
  from: isoInstant,
  to: isoInstant,
  covered: z.boolean(),
  missing: z.string().nullable(),
  partly: z.string().nullable(),
  openingBalanceCents: cents.nullable(),
  closingBalanceCents: cents.nullable(),
  movements: z.array(
    z.object({
      ...statementRowFields,
      ledgerId: id.nullable(),
      runId: id.nullable(),
      runTitle: z.string().nullable(),
    }),
  ),
  paidInCents: cents,
  withdrawnCents: cents,
  check: z.object({ adds: z.boolean(), chains: z.boolean(), breaks: z.array(gap), words: z.string() }).nullable(),
  ledgerEntries: z.number().int(),
  withoutLedgerRow: z.number().int(),
});
export type FloatStatementView = z.output<typeof floatStatementView>;

/** Xero's limit on statement lines in one imported file. */

/** csv and xlsx to read; xero and quickbooks in those programs' bank-statement import layouts. */
export const floatExportFormat = z.enum(['csv', 'xlsx', 'xero', 'quickbooks']);

export const reconcileMethods = {
  /** Reads a statement file without storing anything: account, balances, rows, unreadable lines, breaks. */
  'statements.preview': {
    input: z.object({ ...uploadedFile, account: account.optional() }).strict(),
    output: statementPreview,
  },
  /** Stores the statement (each receipt once) and sorts every row into its bucket. */
  'statements.import': {
    input: z.object({ ...uploadedFile, account: account.optional() }).strict(),
    output: statementImport,
  },
  'reconcile.show': { input: z.object({ account, period }).strict(), output: reconciliationView },
  'reconcile.tick': {
    input: z.object({ rowIds: z.array(id).min(1).max(100_000), ticked: z.boolean() }).strict(),
    output: z.object({ ticked: z.number().int() }),
  },
  'reconcile.tickMatched': {
    input: z.object({ account, period }).strict(),
    output: z.object({ ticked: z.number().int() }),
  },
  /** A person's decision about a row only on the statement, or a proposed payout attempt. */
  'reconcile.decide': {
    input: z.discriminatedUnion('how', [
      z
        .object({
          rowId: id,
          how: z.literal('add'),
          kind: z.enum(['b2c_payment', 'c2b_payment', 'stk_payment', 'reversal', 'refund']),
        })
        .strict(),
      z.object({ rowId: id, how: z.literal('elsewhere'), note: z.string().trim().min(3).max(500) }).strict(),
      z.object({ rowId: id, how: z.literal('confirm'), attemptId: id }).strict(),
    ]),
    output: z.object({ message: z.string() }),
  },
  'reconcile.finish': { input: z.object({ account, period }).strict(), output: reconciliationView },
  'reconcile.history': {
    input: z.object({}).strict(),
    output: z.array(
      z.object({
        id,
        account: z.string(),
        period: z.string(),
        state: z.enum(['open', 'finished']),
        openingBalanceCents: cents,
        closingBalanceCents: cents,
        ledgerNetCents: cents.nullable(),
        lockedRows: z.number().int(),
        finishedAt: isoInstant.nullable(),
        finishedBy: z.string().nullable(),
      }),
    ),
  },
  'reconcile.export': { input: z.object({ account, period, format: exportFormat }).strict(), output: producedFile },
  'statements.float': { input: z.object({ account, period }).strict(), output: floatStatementView },
  'statements.floatExport': {
    input: z.object({ account, period, format: floatExportFormat }).strict(),
    output: producedFile,
  },
} as const;
