// The maker's draft: while a run is a draft, the payroll officer who prepared it edits a line
// (amount, number, name, remarks), removes a line, adds saved workers, or discards the whole run.
// Nobody else changes it, whatever roles they hold: the approver approves what the maker made.
// Each change voids, in its own transaction, every standing approval of the run as it was
// (voidApprovalsIfChanged), so an approval always names the run that is sent. A run with no maker
// on record (made before sign-in existed, or by the demo's own sample data) can never be approved
// (approvals.ts refuses it), so its edits are left open: they move no money.
import { ConflictError, ForbiddenError, ValidationError } from '../../shared/errors';
import type { Cents } from '../../shared/money';
import { formatMsisdn, parseSafaricomPhone } from '../../shared/phone';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { voidApprovalsIfChanged } from './approvals';
import {
  checkRemarks,
  getRun,
  getRunItem,
  insertItems,
  listRunItems,
  type NewItem,
  type PayrollItem,
  type PayrollRun,
  type RunActor,
  type RunFromWorkersInput,
} from './runs';
import { itemTransitions, runTransitions, stateGuard } from './transitions';
import { checkPayableAmount, getWorker, normaliseName } from './workers';
import { refuseRefundRun } from '../refunds/links';

function makerOf(db: ProfileDatabase, runId: number): number | null {
  const row = db.prepare('SELECT maker_account_id FROM payroll_runs WHERE id = ?').get(runId) as
    { maker_account_id: number | null } | undefined;
  return row?.maker_account_id ?? null;
}

/** The run, when it is a draft and `actor` is its maker; refused otherwise, saying why. */
function draftOfMaker(db: ProfileDatabase, runId: number, actor: RunActor, doing: string): PayrollRun {
  refuseRefundRun(db, runId, 'changed as a payroll draft');
  const run = getRun(db, runId);
  if (run.state !== 'draft')
    throw new ConflictError(`Payroll run #${runId} is ${run.state}; its items can only be changed while it is a draft`);
  const maker = makerOf(db, runId);
  if (maker !== null && actor.accountId !== maker) {
    const row = db.prepare('SELECT username FROM accounts WHERE id = ?').get(maker) as { username: string };
    throw new ForbiddenError(
      `Only ${row.username}, who prepared payroll run #${runId}, can ${doing}; ask them, or prepare a run of your own.`,
      { code: 'not_the_maker' },
    );
  }
  return run;
}

export interface ItemChanges {
  amountCents?: Cents;
  /** A Kenyan Safaricom number in any format; kept as its 12-digit MSISDN. */
  phone?: string;
  name?: string;
  remarks?: string;
}

/** The maker changes one line of their draft; standing approvals of the run as it was are voided. */
export function editRunItem(db: ProfileDatabase, itemId: number, changes: ItemChanges, actor: RunActor): PayrollItem {
  return db
    .transaction(() => {
      const item = getRunItem(db, itemId);
      draftOfMaker(db, item.runId, actor, 'change its lines');
      const amountCents =
        changes.amountCents === undefined ? item.amountCents : checkPayableAmount(changes.amountCents, item.name);
      const remarks = changes.remarks === undefined ? item.remarks : checkRemarks(changes.remarks, item.name);
      const name = changes.name === undefined ? item.name : normaliseName(changes.name);
      let phone = item.phone;
      if (changes.phone !== undefined) {
        const parsed = parseSafaricomPhone(changes.phone);
        if (!parsed.ok) throw new ValidationError(parsed.reason, { field: ['phone'] });
        phone = parsed.msisdn;
        const holder = db
          .prepare('SELECT name FROM payroll_items WHERE run_id = ? AND phone = ? AND id <> ?')
          .get(item.runId, phone, itemId) as { name: string } | undefined;
        if (holder !== undefined)
          throw new ConflictError(
            `${holder.name} is already paid on ${formatMsisdn(phone)} in this run; a run pays each number once`,
            { code: 'phone_in_run' },
          );
      }
      db.prepare(
        "UPDATE payroll_items SET amount_cents = ?, remarks = ?, name = ?, phone = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
      ).run(amountCents, remarks, name, phone, itemId);
      appendAudit(db, {
        actor: actor.name,
        action: 'payroll_item.edited',
        entity: 'payroll_item',
        entityId: itemId,
        details: {
          runId: item.runId,
          fromCents: item.amountCents,
          toCents: amountCents,
          remarksChanged: remarks !== item.remarks,
          ...(phone === item.phone ? {} : { phoneBefore: item.phone, phoneAfter: phone }),
          ...(name === item.name ? {} : { nameBefore: item.name, nameAfter: name }),
        },
      });
      voidApprovalsIfChanged(db, item.runId, actor.name);
      return getRunItem(db, itemId);
    })
    .immediate();
}

/** The maker takes a line out of their draft. Nothing was sent for a draft item, so the row itself goes. */
export function removeRunItem(db: ProfileDatabase, itemId: number, actor: RunActor): void {
  db.transaction(() => {
    const item = getRunItem(db, itemId);
    draftOfMaker(db, item.runId, actor, 'remove its lines');
    db.prepare('DELETE FROM payroll_items WHERE id = ?').run(itemId);
    appendAudit(db, {
      actor: actor.name,
      action: 'payroll_item.removed',
      entity: 'payroll_item',
      entityId: itemId,
      details: { runId: item.runId, name: item.name, phone: item.phone, amountCents: item.amountCents },
    });
    voidApprovalsIfChanged(db, item.runId, actor.name);
  }).immediate();
}

/** The maker adds saved workers to their draft. */
export function addWorkersToRun(
  db: ProfileDatabase,
  runId: number,
  workers: RunFromWorkersInput['workers'],
  actor: RunActor,
): PayrollItem[] {
  return db
    .transaction(() => {
      const run = draftOfMaker(db, runId, actor, 'add people to it');
      const taken = new Set(listRunItems(db, runId).map((i) => i.phone));
      const items = workers.map((chosen): NewItem => {
        const worker = getWorker(db, chosen.workerId);
        if (worker.archivedAt !== null)
          throw new ConflictError(`${worker.name} is archived; restore the worker to pay them`);
        if (taken.has(worker.phone))
          throw new ConflictError(`${worker.name} (${formatMsisdn(worker.phone)}) is already in this run`);
        const amount = chosen.amountCents ?? worker.defaultAmountCents;
        if (amount === null) throw new ValidationError(`${worker.name} has no default amount; enter how much to pay`);
        return {
          workerId: worker.id,
          lineNumber: null,
          name: worker.name,
          phone: worker.phone,
          amountCents: checkPayableAmount(amount, worker.name),
          remarks: checkRemarks(chosen.remarks ?? run.title, worker.name),
        };
      });
      insertItems(db, runId, items);
      appendAudit(db, {
        actor: actor.name,
        action: 'payroll_run.items_added',
        entity: 'payroll_run',
        entityId: runId,
        details: { workerIds: workers.map((w) => w.workerId) },
      });
      voidApprovalsIfChanged(db, runId, actor.name);
      return listRunItems(db, runId).filter((i) => items.some((n) => n.phone === i.phone));
    })
    .immediate();
}

/**
 * The maker discards their draft: the run and its lines are cancelled, with no attempt ever made
 * (a draft has none), and the run stays on record, audited, so nothing about it is lost.
 */
export function discardRun(db: ProfileDatabase, runId: number, actor: RunActor, now = new Date()): PayrollRun {
  return db
    .transaction(() => {
      draftOfMaker(db, runId, actor, 'discard it');
      const attempts = db
        .prepare(
          'SELECT count(*) AS n FROM payout_attempts a JOIN payroll_items i ON i.id = a.item_id WHERE i.run_id = ?',
        )
        .get(runId) as { n: number };
      if (attempts.n > 0)
        throw new ConflictError(`Payroll run #${runId} has payments on record; cancel it instead of discarding it.`);
      const at = now.toISOString();
      const lines = db
        .prepare(
          `UPDATE payroll_items SET state = 'cancelled', updated_at = ? WHERE run_id = ? AND ${stateGuard(itemTransitions, 'cancelled', ['draft'])}`,
        )
        .run(at, runId).changes;
      db.prepare(
        `UPDATE payroll_runs SET state = 'cancelled', cancelled_at = ? WHERE id = ? AND ${stateGuard(runTransitions, 'cancelled', ['draft'])}`,
      ).run(at, runId);
      appendAudit(db, {
        actor: actor.name,
        action: 'payroll_run.discarded',
        entity: 'payroll_run',
        entityId: runId,
        details: { lines, previousState: 'draft' },
      });
      return getRun(db, runId);
    })
    .immediate();
}
