// Imports a statement file: reads it, stores each row once (per account, receipt and entry, so a
// repeated or overlapping statement adds nothing twice), records what could not be read and where
// the balances break, then sorts every row of the account into its bucket.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { ValidationError } from '../../shared/errors';
import type { Cents } from '../../shared/money';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { checkContinuity, type BalanceGap } from './continuity';
import { readStatement } from './grid';
import { recordStatementReversals } from '../reversals/statement';
import { matchAccount, summariseBuckets, type BucketSummary } from './match';
import type { StatementProblem } from './parse';

export interface StatementImportInput {
  fileName: string;
  bytes: Uint8Array;
  actor: string;
  now: string;
  /** Overrides the account named in the file's preamble or its name. */
  account?: string;
}

export interface StatementImportResult {
  importId: number;
  account: string;
  organisation: string | null;
  rowsRead: number;
  rowsNew: number;
  rowsRepeated: number;
  problems: StatementProblem[];
  gaps: BalanceGap[];
  openingBalanceCents: Cents | null;
  closingBalanceCents: Cents | null;
  buckets: BucketSummary;
}

const accountNames: Array<[RegExp, string]> = [
  [/utility/i, 'Utility Account'],
  [/working|mmf/i, 'Working Account'],
  [/charges?/i, 'Charges Paid Account'],
  [/settlement/i, 'Organization Settlement Account'],
];

export function normaliseAccount(name: string): string {
  for (const [pattern, account] of accountNames) if (pattern.test(name)) return account;
  return name.trim();
}

/** The account from the portal's file name: ORG_<shortcode>_<Account>_Completed_<yyyyMMddHHmmss>.csv */
export function accountFromFileName(fileName: string): string | null {
  const m = /^ORG_\d+_(.+?)_(?:Completed|All)_\d{14}\.(?:csv|xlsx)$/i.exec(basename(fileName));
  return m?.[1] === undefined ? null : normaliseAccount(m[1]);
}

/** Reads a statement without storing anything: the preview a person sees before importing. */
export async function previewStatement(fileName: string, bytes: Uint8Array, account?: string) {
  const parsed = await readStatement(bytes);
  const named = account ?? parsed.preamble.account ?? accountFromFileName(fileName);
  return {
    parsed,
    account: named === null ? 'Utility Account' : normaliseAccount(named),
    gaps: checkContinuity(parsed.rows, parsed.preamble),
  };
}

export async function importStatement(
  db: ProfileDatabase,
  input: StatementImportInput,
): Promise<StatementImportResult> {
  const { parsed, account, gaps } = await previewStatement(input.fileName, input.bytes, input.account);
  if (parsed.rows.length === 0 && parsed.problems.length === 0)
    throw new ValidationError(`${input.fileName} has a statement header but no transaction rows`);
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const problems = [...parsed.problems];

  const insertImport = db.prepare(
    `INSERT INTO statement_imports (file_name, file_sha256, account, organisation, period_from, period_to, opening_balance_cents,
       closing_balance_cents, rows_read, rows_new, problems, gaps, imported_by, imported_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
  );
  const insertRow = db.prepare(
    `INSERT INTO statement_rows (account, receipt, entry, completed_at, initiated_at, details, status, paid_in_cents, withdrawn_cents,
       balance_cents, balance_confirmed, reason_type, other_party, phone, linked_receipt, account_number, import_id, line)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (account, receipt, entry) DO NOTHING`,
  );
  const stored = db.prepare(
    'SELECT paid_in_cents, withdrawn_cents, completed_at FROM statement_rows WHERE account = ? AND receipt = ? AND entry = ?',
  );
  const { importId, rowsNew } = db.transaction(() => {
    const importId = Number(
      insertImport.run(
        input.fileName,
        sha256,
        account,
        parsed.preamble.organisation,
        parsed.preamble.periodFrom,
        parsed.preamble.periodTo,
        parsed.preamble.openingBalanceCents,
        parsed.preamble.closingBalanceCents,
        parsed.rows.length,
        '[]',
        JSON.stringify(gaps),
        input.actor,
        input.now,
      ).lastInsertRowid,
    );
    let rowsNew = 0;
    for (const r of parsed.rows) {
      const result = insertRow.run(
        account,
        r.receipt,
        r.entry,
        r.completedAt,
        r.initiatedAt,
        r.details,
        r.status,
        r.paidInCents,
        r.withdrawnCents,
        r.balanceCents,
        r.balanceConfirmed === null ? null : Number(r.balanceConfirmed),
        r.reasonType,
        r.otherParty,
        r.phone,
        r.linkedReceipt,
        r.accountNumber,
        importId,
        r.line,
      );
      if (result.changes === 1) {
        rowsNew += 1;
        continue;
      }
      // Seen before: the same receipt must say the same thing, or one of the two files was altered.
      const before = stored.get(account, r.receipt, r.entry) as {
        paid_in_cents: number;
        withdrawn_cents: number;
        completed_at: string;
      };
      if (
        before.paid_in_cents !== r.paidInCents ||
        before.withdrawn_cents !== r.withdrawnCents ||
        before.completed_at !== r.completedAt
      ) {
        problems.push({
          line: r.line,
          reason: `receipt ${r.receipt} was imported before with other amounts or time; the first copy is kept`,
        });
      }
    }
    db.prepare('UPDATE statement_imports SET rows_new = ?, problems = ? WHERE id = ?').run(
      rowsNew,
      JSON.stringify(problems),
      importId,
    );
    appendAudit(db, {
      actor: input.actor,
      action: 'statement.imported',
      entity: 'statement_import',
      entityId: importId,
      details: {
        file: input.fileName,
        account,
        rows: parsed.rows.length,
        rowsNew,
        problems: problems.length,
        gaps: gaps.length,
      },
    });
    return { importId, rowsNew };
  })();
  const rowsRead = parsed.rows.length;
  const span = timeSpan(parsed.rows);
  // The parsed rows are stored; let them go before matching reads the statement back with the ledger.
  parsed.rows.length = 0;
  // Reversals the statement shows and the ledger lacks are recorded first, so they match by receipt.
  recordStatementReversals(db, account, input.actor, input.now);
  matchAccount(db, account, input.now);
  return {
    importId,
    account,
    organisation: parsed.preamble.organisation,
    rowsRead,
    rowsNew,
    rowsRepeated: rowsRead - rowsNew,
    problems,
    gaps,
    openingBalanceCents: parsed.preamble.openingBalanceCents,
    closingBalanceCents: parsed.preamble.closingBalanceCents,
    // The buckets of the statement's whole span, so a repeated import still shows what it holds.
    buckets: summariseBuckets(db, span === null ? { account, importId } : { account, ...span }),
  };
}

/** The first and last completion time of the rows (the end just past the last), or null for none. */
function timeSpan(rows: ReadonlyArray<{ completedAt: string }>): { from: string; to: string } | null {
  let from: string | undefined;
  let to: string | undefined;
  for (const { completedAt } of rows) {
    if (from === undefined || completedAt < from) from = completedAt;
    if (to === undefined || completedAt > to) to = completedAt;
  }
  return from === undefined || to === undefined ? null : { from, to: new Date(Date.parse(to) + 1).toISOString() };
}
