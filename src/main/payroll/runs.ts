// Preparing a payroll run: a draft from saved workers or from an imported file, and reading runs
// and their lines. The maker's edits to a draft are in run-drafts.ts, approval in
// run-approval.ts; sending belongs to the payout engine (src/main/payroll/engine).
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import type { Cents } from '../../shared/money';
import { formatMsisdn } from '../../shared/phone';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import type { ImportPreview } from './import';
import { checkPayableAmount, getWorker, normaliseName } from './workers';
import { refusePayrollPaidBefore } from './duplicates';
import { recordRunMaker } from './approvals';
import type { ItemState, RunState } from './status';
import { notRefundRun } from '../refunds/links';

export type CommandId = 'SalaryPayment' | 'BusinessPayment' | 'PromotionPayment';

/**
 * Who does something to a run: the name goes to the audit log; the account (null: a door with no
 * sign-in, such as the demo's own sample data) is kept as the run's maker when it creates one.
 */
export interface RunActor {
  name: string;
  accountId?: number | null;
}

/** An approver acting on a run: always a signed-in account. */
export interface RunApprover {
  name: string;
  accountId: number;
}

export interface PayrollRun {
  id: number;
  title: string;
  period: string | null;
  state: RunState;
  commandId: CommandId;
  source: 'worker_list' | 'file';
  sourceFileName: string | null;
  sourceFileSha256: string | null;
  createdBy: number | null;
  approvedBy: number | null;
  createdAt: string;
  approvedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  cancelledAt: string | null;
}

export interface PayrollItem {
  id: number;
  runId: number;
  workerId: number | null;
  lineNumber: number | null;
  name: string;
  phone: string;
  amountCents: Cents;
  remarks: string | null;
  state: ItemState;
}

interface RunHeader {
  title: string;
  period?: string | null;
  commandId?: CommandId;
}

export interface RunFromWorkersInput extends RunHeader {
  /** amountCents overrides the worker's default amount. */
  workers: { workerId: number; amountCents?: Cents; remarks?: string }[];
  /** What M-Pesa shows as the payment's remarks; defaults to the title. */
  remarks?: string;
}

export interface RunFromFileInput extends RunHeader {
  fileName: string;
  /** sha256 of the file's bytes: lets paying the same file again find this run instead of paying twice. */
  fileSha256?: string;
  preview: ImportPreview;
  /**
   * The officer confirmed paying this payroll again although an earlier run made from the same
   * file, or paying the same people the same amounts, exists (refusePayrollPaidBefore).
   */
  payAgain?: boolean;
}

const remarksLength = { min: 2, max: 100 } as const;

/** B2C Remarks take 2–100 characters. */
export function checkRemarks(remarks: string, who: string): string {
  const clean = remarks.replace(/\s+/g, ' ').trim();
  if (clean.length < remarksLength.min)
    throw new ValidationError(`The payment remarks for ${who} must be at least ${remarksLength.min} characters`);
  if (clean.length > remarksLength.max)
    throw new ValidationError(
      `The payment remarks for ${who} are longer than M-Pesa's ${remarksLength.max} characters`,
    );
  return clean;
}

function runColumnsToRun(row: Record<string, unknown>): PayrollRun {
  return {
    id: row.id as number,
    title: row.title as string,
    period: row.period as string | null,
    state: row.state as RunState,
    commandId: row.command_id as CommandId,
    source: row.source as PayrollRun['source'],
    sourceFileName: row.source_file_name as string | null,
    sourceFileSha256: row.source_file_sha256 as string | null,
    createdBy: row.created_by as number | null,
    approvedBy: row.approved_by as number | null,
    createdAt: row.created_at as string,
    approvedAt: row.approved_at as string | null,
    startedAt: row.started_at as string | null,
    finishedAt: row.finished_at as string | null,
    cancelledAt: row.cancelled_at as string | null,
  };
}

export function getRun(db: ProfileDatabase, runId: number): PayrollRun {
  const row = db.prepare('SELECT * FROM payroll_runs WHERE id = ?').get(runId) as Record<string, unknown> | undefined;
  if (row === undefined) throw new NotFoundError(`There is no payroll run #${runId}`);
  return runColumnsToRun(row);
}

/** Payroll runs, newest first; a refund's run is not a payroll run and is left out. */
export function listRuns(
  db: ProfileDatabase,
  filter: { state?: RunState; limit?: number; offset?: number } = {},
): PayrollRun[] {
  const rows = db
    .prepare(
      `SELECT * FROM payroll_runs WHERE ${notRefundRun('id')} ${filter.state === undefined ? '' : 'AND state = @state'} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`,
    )
    .all({ state: filter.state, limit: filter.limit ?? 200, offset: filter.offset ?? 0 }) as Record<string, unknown>[];
  return rows.map(runColumnsToRun);
}

/** How many runs there are (in this state): the size of the whole list a page is taken from. */
export function countRuns(db: ProfileDatabase, state?: RunState): number {
  const row =
    state === undefined
      ? db.prepare(`SELECT count(*) AS n FROM payroll_runs WHERE ${notRefundRun('id')}`).get()
      : db.prepare(`SELECT count(*) AS n FROM payroll_runs WHERE state = ? AND ${notRefundRun('id')}`).get(state);
  return (row as { n: number }).n;
}

/**
 * The newest run made from the file with this content hash that is not finished yet: paying the
 * same file again resumes it instead of making a second run that would pay everyone twice.
 */
export function unfinishedRunFromFile(db: ProfileDatabase, fileSha256: string): PayrollRun | null {
  const row = db
    .prepare(
      `SELECT id FROM payroll_runs WHERE source_file_sha256 = ? AND state IN ('draft', 'approved', 'running', 'paused') ORDER BY id DESC LIMIT 1`,
    )
    .get(fileSha256) as { id: number } | undefined;
  return row === undefined ? null : getRun(db, row.id);
}

/** The people a run pays, as named on the run. */
export function runPayees(db: ProfileDatabase, runId: number): Array<{ phone: string; name: string }> {
  return db.prepare('SELECT phone, name FROM payroll_items WHERE run_id = ?').all(runId) as Array<{
    phone: string;
    name: string;
  }>;
}

const itemSelect =
  'SELECT id, run_id, worker_id, line_number, name, phone, amount_cents, remarks, state FROM payroll_items';

function toItem(row: Record<string, unknown>): PayrollItem {
  return {
    id: row.id as number,
    runId: row.run_id as number,
    workerId: row.worker_id as number | null,
    lineNumber: row.line_number as number | null,
    name: row.name as string,
    phone: row.phone as string,
    amountCents: row.amount_cents as number,
    remarks: row.remarks as string | null,
    state: row.state as ItemState,
  };
}

export function listRunItems(db: ProfileDatabase, runId: number): PayrollItem[] {
  return (
    db.prepare(`${itemSelect} WHERE run_id = ? ORDER BY line_number, id`).all(runId) as Record<string, unknown>[]
  ).map(toItem);
}

export function getRunItem(db: ProfileDatabase, itemId: number): PayrollItem {
  const row = db.prepare(`${itemSelect} WHERE id = ?`).get(itemId) as Record<string, unknown> | undefined;
  if (row === undefined) throw new NotFoundError(`There is no payroll item #${itemId}`);
  return toItem(row);
}

function insertRun(
  db: ProfileDatabase,
  header: RunHeader,
  source: PayrollRun['source'],
  file: { name: string; sha256: string | null } | null,
  actor: RunActor,
): number {
  const title = header.title.replace(/\s+/g, ' ').trim();
  if (title === '') throw new ValidationError('The payroll run needs a title, e.g. "November 2026 salaries"');
  const result = db
    .prepare(
      'INSERT INTO payroll_runs (title, period, command_id, source, source_file_name, source_file_sha256, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    .run(
      title,
      header.period?.trim() || null,
      header.commandId ?? 'SalaryPayment',
      source,
      file?.name ?? null,
      file?.sha256 ?? null,
      null,
    );
  const runId = Number(result.lastInsertRowid);
  if (actor.accountId != null) recordRunMaker(db, runId, actor.accountId);
  return runId;
}

export interface NewItem {
  workerId: number | null;
  lineNumber: number | null;
  name: string;
  phone: string;
  amountCents: Cents;
  remarks: string;
}

export function insertItems(db: ProfileDatabase, runId: number, items: readonly NewItem[]): void {
  if (items.length === 0) throw new ValidationError('A payroll run needs at least one person to pay');
  const seen = new Map<string, NewItem>();
  const insert = db.prepare(
    'INSERT INTO payroll_items (run_id, worker_id, line_number, name, phone, amount_cents, remarks) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const item of items) {
    const earlier = seen.get(item.phone);
    if (earlier !== undefined) {
      throw new ConflictError(
        `${item.name} and ${earlier.name} share the number ${formatMsisdn(item.phone)}; a run pays each number once`,
      );
    }
    seen.set(item.phone, item);
    insert.run(runId, item.workerId, item.lineNumber, item.name, item.phone, item.amountCents, item.remarks);
  }
}

/** A draft run paying the chosen saved workers, each their given amount or their default amount. */
export function createRunFromWorkers(db: ProfileDatabase, input: RunFromWorkersInput, actor: RunActor): PayrollRun {
  return db
    .transaction(() => {
      const runId = insertRun(db, input, 'worker_list', null, actor);
      const defaultRemarks = input.remarks ?? input.title;
      const items = input.workers.map((chosen): NewItem => {
        const worker = getWorker(db, chosen.workerId);
        if (worker.archivedAt !== null)
          throw new ConflictError(`${worker.name} is archived; restore the worker to pay them`);
        const amount = chosen.amountCents ?? worker.defaultAmountCents;
        if (amount === null) throw new ValidationError(`${worker.name} has no default amount; enter how much to pay`);
        return {
          workerId: worker.id,
          lineNumber: null,
          name: worker.name,
          phone: worker.phone,
          amountCents: checkPayableAmount(amount, worker.name),
          remarks: checkRemarks(chosen.remarks ?? defaultRemarks, worker.name),
        };
      });
      insertItems(db, runId, items);
      appendAudit(db, {
        actor: actor.name,
        action: 'payroll_run.created',
        entity: 'payroll_run',
        entityId: runId,
        details: { source: 'worker_list', items: items.length },
      });
      return getRun(db, runId);
    })
    .immediate();
}

/**
 * A draft run from the valid rows of an imported file; each item keeps its file line number. An
 * item is linked to the active saved worker with the same phone when there is one; otherwise it
 * has no worker: paying a file never creates workers behind the officer's back.
 */
export function createRunFromFile(db: ProfileDatabase, input: RunFromFileInput, actor: RunActor): PayrollRun {
  return db
    .transaction(() => {
      const people = input.preview.valid.map((row) => ({ phone: row.msisdn, amountCents: row.amountCents }));
      const earlier = refusePayrollPaidBefore(
        db,
        { fileSha256: input.fileSha256 ?? null, people },
        input.payAgain === true,
      );
      const runId = insertRun(db, input, 'file', { name: input.fileName, sha256: input.fileSha256 ?? null }, actor);
      const workerByPhone = db.prepare('SELECT id FROM workers WHERE phone = ? AND archived_at IS NULL');
      const items = input.preview.valid.map((row): NewItem => {
        const worker = workerByPhone.get(row.msisdn) as { id: number } | undefined;
        return {
          workerId: worker?.id ?? null,
          lineNumber: row.row,
          name: normaliseName(row.name),
          phone: row.msisdn,
          amountCents: checkPayableAmount(row.amountCents, `row ${row.row}`),
          remarks: checkRemarks(row.reference, `row ${row.row}`),
        };
      });
      insertItems(db, runId, items);
      appendAudit(db, {
        actor: actor.name,
        action: 'payroll_run.created',
        entity: 'payroll_run',
        entityId: runId,
        details: {
          source: 'file',
          fileName: input.fileName,
          items: items.length,
          invalidRowsLeftOut: input.preview.invalid.length,
          ...(earlier.length === 0
            ? {}
            : {
                paidAgainAfter: earlier.map((e) => ({
                  runId: e.runId,
                  state: e.state,
                  match: e.match,
                  paidCount: e.paidCount,
                })),
              }),
        },
      });
      return getRun(db, runId);
    })
    .immediate();
}

/** The one line a refund's run pays (src/main/refunds/): the payer, the amount, and its remarks. */
export interface RefundLine {
  title: string;
  name: string;
  phone: string;
  amountCents: Cents;
  remarks: string;
}

/**
 * A draft run of one line paying a refund (BusinessPayment), made by the admin who asked for it
 * (its maker, so the approval rules of runs hold for it unchanged). The refunds module checked the
 * amount and the number against the receipt; this only writes the run, in the caller's transaction.
 */
export function createRefundRun(
  db: ProfileDatabase,
  line: RefundLine,
  actor: RunActor,
): { runId: number; itemId: number } {
  const runId = insertRun(db, { title: line.title, commandId: 'BusinessPayment' }, 'worker_list', null, actor);
  insertItems(db, runId, [
    {
      workerId: null,
      lineNumber: 1,
      name: normaliseName(line.name),
      phone: line.phone,
      amountCents: checkPayableAmount(line.amountCents, 'the refund'),
      remarks: checkRemarks(line.remarks, 'the refund'),
    },
  ]);
  const item = db.prepare('SELECT id FROM payroll_items WHERE run_id = ?').get(runId) as { id: number };
  appendAudit(db, {
    actor: actor.name,
    action: 'payroll_run.created',
    entity: 'payroll_run',
    entityId: runId,
    details: { source: 'refund', items: 1 },
  });
  return { runId, itemId: item.id };
}
