// Refunds in the core: the limits (whole shillings, M-Pesa's B2C limits, never more than the
// receipt brought in, counting every refund still holding money), who may be paid (the clear
// number, or a typed number that fits M-Pesa's mask or hash), which rows can be refunded at all,
// and the approvals (never the asker; the policy decides how many; declining frees the amount).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { saveApprovalPolicy } from '../../../src/main/payroll/approval-policy';
import { listRuns, countRuns } from '../../../src/main/payroll/runs';
import { editRunItem } from '../../../src/main/payroll/run-drafts';
import { requestRetry } from '../../../src/main/payroll/retry-requests';
import { approveRun } from '../../../src/main/payroll/run-approval';
import { listRefunds, refundView, refundsForTransaction } from '../../../src/main/refunds/read';
import { approveRefund, declineRefund, requestRefund } from '../../../src/main/refunds/refunds';
import { verifyAuditChain } from '../../../src/main/ledger/audit';
import { recordTransaction } from '../../../src/main/ledger/transactions';
import { ConflictError, ValidationError } from '../../../src/shared/errors';
import { tempFolder } from '../db/temp-folder';
import { seedPeople, type TestPeople } from '../../helpers/people';
import { received, sha256Of } from './received';

const temp = tempFolder('mshahara-refunds-');
let db: ProfileDatabase;
let people: TestPeople;

beforeEach(async () => {
  db = openDatabase(temp.path('refunds.sqlite'));
  people = await seedPeople(db);
});
afterEach(() => closeDatabase(db));

const asAdmin = () => ({ name: people.admin.username, accountId: people.admin.accountId });
const asApprover = () => ({ name: people.approver.username, accountId: people.approver.accountId });

function refusal(action: () => unknown): { kind: string; message: string; code?: string | undefined } {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError || error instanceof ConflictError)
      return { kind: error.kind, message: error.message, code: error.code };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('refund limits', () => {
  it('never lets the refunds of one receipt exceed it, and says how much is left', () => {
    const paid = received(db, { amountCents: 1000_00, phone: '254708374149' });
    requestRefund(db, { transactionId: paid.id, amountCents: 600_00, reason: 'Double charge' }, asAdmin());
    const over = refusal(() =>
      requestRefund(db, { transactionId: paid.id, amountCents: 500_00, reason: 'Another one' }, asAdmin()),
    );
    expect(over.code).toBe('more_than_left');
    expect(over.message).toContain(`more than is left to refund of receipt ${paid.receipt}`);
    expect(over.message).toContain('KES 400.00 of KES 1,000.00 is left');
    // Exactly what is left is fine; after that nothing is left.
    requestRefund(db, { transactionId: paid.id, amountCents: 400_00, reason: 'The rest' }, asAdmin());
    const full = refusal(() =>
      requestRefund(db, { transactionId: paid.id, amountCents: 100_00, reason: 'More' }, asAdmin()),
    );
    expect(full.message).toContain('is refunded in full');
    expect(listRefunds(db).refunds.map((r) => r.amountCents)).toEqual([400_00, 600_00]);
    expect(refundsForTransaction(db, paid.id).refundable).toMatchObject({ heldCents: 1000_00, leftCents: 0 });
  });

  it('refuses cents, zero and amounts outside what M-Pesa pays in one payment', () => {
    const paid = received(db, { amountCents: 500_000_00, phone: '254708374149' });
    const ask = (amountCents: number) =>
      refusal(() => requestRefund(db, { transactionId: paid.id, amountCents, reason: 'Refund' }, asAdmin())).message;
    expect(ask(100_50)).toContain('whole shillings');
    expect(ask(0)).toContain('above zero');
    expect(ask(5_00)).toContain('outside what M-Pesa pays in one payment');
    expect(ask(300_000_00)).toContain('outside what M-Pesa pays in one payment');
    expect(listRefunds(db).total).toBe(0);
  });

  it('frees a declined refund’s amount again', () => {
    const paid = received(db, { amountCents: 1000_00, phone: '254708374149' });
    const first = requestRefund(db, { transactionId: paid.id, amountCents: 1000_00, reason: 'Wrong till' }, asAdmin());
    declineRefund(db, first, asApprover(), 'Customer was served');
    expect(refundView(db, first)).toMatchObject({ state: 'declined', declineReason: 'Customer was served' });
    const second = requestRefund(db, { transactionId: paid.id, amountCents: 1000_00, reason: 'Wrong till' }, asAdmin());
    expect(refundView(db, second).state).toBe('awaiting_approval');
  });

  it('refuses what is not money received, in plain words', () => {
    const failed = received(db, { status: 'failed', phone: '254708374149' });
    expect(
      refusal(() => requestRefund(db, { transactionId: failed.id, amountCents: 100_00, reason: 'Refund' }, asAdmin()))
        .message,
    ).toContain('failed, so no money came in');
    const out = db.transaction(() =>
      db
        .prepare(
          `INSERT INTO transactions (receipt, occurred_at, direction, kind, status, amount_cents, phone, source)
           VALUES ('QKOUT00001', '2026-11-20T09:00:00.000Z', 'out', 'b2c_payment', 'completed', 100000, '254708374149', 'b2c_result')`,
        )
        .run(),
    )();
    const payment = refusal(() =>
      requestRefund(
        db,
        { transactionId: Number(out.lastInsertRowid), amountCents: 100_00, reason: 'Refund' },
        asAdmin(),
      ),
    );
    expect(payment.message).toContain('is a payment Mshahara made, not money received: it cannot be refunded');
  });

  it('refuses a receipt that was reversed or has a reversal open', () => {
    const paid = received(db, { phone: '254708374149' });
    db.prepare(
      `INSERT INTO reversals (transaction_id, original_receipt, amount_cents, reason, state, originator_conversation_id)
       VALUES (?, ?, 100000, 'Wrong', 'sending', 'rev-1')`,
    ).run(paid.id, paid.receipt);
    expect(
      refusal(() => requestRefund(db, { transactionId: paid.id, amountCents: 100_00, reason: 'Refund' }, asAdmin()))
        .message,
    ).toContain('A reversal of');
    db.prepare(`UPDATE reversals SET state = 'succeeded'`).run();
    expect(
      refusal(() => requestRefund(db, { transactionId: paid.id, amountCents: 100_00, reason: 'Refund' }, asAdmin()))
        .message,
    ).toContain('was reversed');
  });
});

describe('who a refund pays', () => {
  it('pays the clear number of an STK payment, and refuses another one typed', () => {
    const paid = received(db, { kind: 'stk_payment', phone: '254708374149', partyDisplay: null });
    const wrong = refusal(() =>
      requestRefund(
        db,
        { transactionId: paid.id, amountCents: 100_00, reason: 'Refund', phone: '0712345678' },
        asAdmin(),
      ),
    );
    expect(wrong.message).toContain('does not match the one M-Pesa showed');
    const id = requestRefund(db, { transactionId: paid.id, amountCents: 100_00, reason: 'Refund' }, asAdmin());
    expect(refundView(db, id)).toMatchObject({ phone: '254708374149', phoneEvidence: 'clear' });
  });

  it('needs a number that fits the mask M-Pesa showed', () => {
    const paid = received(db, { partyDisplay: '2547 ***** 149' });
    const ask = (phone?: string) =>
      requestRefund(db, { transactionId: paid.id, amountCents: 100_00, reason: 'Refund', phone }, asAdmin());
    expect(refusal(() => ask()).code).toBe('number_needed');
    const mismatch = refusal(() => ask('0708374148'));
    expect(mismatch.message).toBe('The number does not match the one M-Pesa showed for this payment: 2547 ***** 149');
    const id = ask('0708 374 149');
    expect(refundView(db, id)).toMatchObject({ phone: '254708374149', phoneEvidence: 'masked' });
  });

  it('needs a number whose SHA-256 is the hash M-Pesa showed', () => {
    const paid = received(db, { partyDisplay: sha256Of('254705912645') });
    const ask = (phone: string) =>
      requestRefund(db, { transactionId: paid.id, amountCents: 100_00, reason: 'Refund', phone }, asAdmin());
    expect(refusal(() => ask('254705912646')).code).toBe('number_mismatch');
    expect(refundView(db, ask('0705912645'))).toMatchObject({ phone: '254705912645', phoneEvidence: 'hashed' });
  });

  it('refuses a payment whose payer M-Pesa did not show at all', () => {
    const paid = received(db, { partyDisplay: 'NICHOLAS' });
    expect(
      refusal(() =>
        requestRefund(
          db,
          { transactionId: paid.id, amountCents: 100_00, reason: 'Refund', phone: '0708374149' },
          asAdmin(),
        ),
      ).code,
    ).toBe('no_payer_number');
  });
});

describe('approving a refund', () => {
  it('is refused to the admin who asked and to anyone without the approver role', () => {
    const paid = received(db, { phone: '254708374149' });
    const id = requestRefund(db, { transactionId: paid.id, amountCents: 100_00, reason: 'Refund' }, asAdmin());
    db.prepare("INSERT INTO account_roles (account_id, role) VALUES (?, 'approver')").run(people.admin.accountId);
    const own = refusal(() => approveRefund(db, id, asAdmin()));
    expect(own.code).toBe('maker_cannot_approve');
    expect(own.message).toContain('wanjiru asked for refund');
    const officer = refusal(() =>
      approveRefund(db, id, { name: people.officer.username, accountId: people.officer.accountId }),
    );
    expect(officer.message).toContain('Only someone with the approver role can approve a refund');
    expect(refundView(db, id).state).toBe('awaiting_approval');
  });

  it('takes as many approvers as the policy asks for, then is approved for sending', () => {
    saveApprovalPolicy(db, { people: 3 }, people.admin.username);
    const paid = received(db, { phone: '254708374149' });
    const id = requestRefund(db, { transactionId: paid.id, amountCents: 100_00, reason: 'Refund' }, asAdmin());
    expect(approveRefund(db, id, asApprover()).send).toBe(false);
    expect(refundView(db, id)).toMatchObject({
      state: 'awaiting_approval',
      approvedBy: ['Baraka Mwangi'],
      waitingFor: 'one approval by an approver other than Wanjiru Kamau',
    });
    expect(refusal(() => approveRefund(db, id, asApprover())).code).toBe('already_approved');
    const done = approveRefund(db, id, {
      name: people.secondApprover.username,
      accountId: people.secondApprover.accountId,
    });
    expect(done.send).toBe(true);
    expect(refundView(db, id)).toMatchObject({ state: 'approved', waitingFor: null });
    // Declining is over once it is being sent; an approved refund not started may still be declined.
    expect(db.prepare('SELECT state FROM payroll_runs WHERE id = ?').get(done.runId)).toEqual({ state: 'approved' });
    expect(verifyAuditChain(db)).toMatchObject({ ok: true });
    const actions = (
      db.prepare("SELECT action FROM audit_log WHERE entity = 'refund' ORDER BY id").all() as Array<{
        action: string;
      }>
    ).map((r) => r.action);
    expect(actions).toEqual(['refund.requested', 'refund.approval_recorded', 'refund.approved']);
  });

  it('keeps a refund’s run out of the payroll runs and out of the maker’s draft edits', () => {
    const paid = received(db, { phone: '254708374149' });
    const id = requestRefund(db, { transactionId: paid.id, amountCents: 100_00, reason: 'Refund' }, asAdmin());
    const view = refundView(db, id);
    expect(listRuns(db).map((r) => r.id)).not.toContain(view.runId);
    expect(countRuns(db)).toBe(0);
    const edit = refusal(() => editRunItem(db, view.itemId, { amountCents: 900_00 }, asAdmin()));
    expect(edit.code).toBe('refund_run');
    expect(db.prepare('SELECT amount_cents FROM payroll_items WHERE id = ?').get(view.itemId)).toEqual({
      amount_cents: 100_00,
    });
  });
});

describe('a refund approved through a payroll door', () => {
  it('still says where it is: the same approval rules, and its state follows its run', () => {
    const paid = received(db, { phone: '254708374149' });
    const id = requestRefund(db, { transactionId: paid.id, amountCents: 1000_00, reason: 'Refund' }, asAdmin());
    const { runId } = refundView(db, id);
    db.prepare("INSERT INTO account_roles (account_id, role) VALUES (?, 'approver')").run(people.admin.accountId);
    expect(refusal(() => approveRun(db, runId, asAdmin())).code).toBe('maker_cannot_approve');
    approveRun(db, runId, asApprover());
    expect(refundView(db, id).state).toBe('approved');
  });

  it('is never approved by its asker, even when one person may approve a payroll run alone', () => {
    saveApprovalPolicy(db, { people: 1 }, people.admin.username);
    db.prepare("INSERT INTO account_roles (account_id, role) VALUES (?, 'approver')").run(people.admin.accountId);
    const paid = received(db, { phone: '254708374149' });
    const id = requestRefund(db, { transactionId: paid.id, amountCents: 1000_00, reason: 'Refund' }, asAdmin());
    const { runId } = refundView(db, id);
    const own = refusal(() => approveRun(db, runId, asAdmin()));
    expect(own.code).toBe('maker_cannot_approve');
    expect(own.message).toContain('an approver other than the one who asked decides, whatever the policy');
    expect(refundView(db, id).state).toBe('awaiting_approval');
    // Another approver's one approval is enough under that policy.
    expect(approveRefund(db, id, asApprover()).send).toBe(true);
  });
});

describe('money in that a person recorded', () => {
  it('is not refunded when it came from a number this business paid: it may be that payment coming back', () => {
    const worker = '254711000301';
    db.transaction(() => {
      recordTransaction(db, {
        receipt: 'QKS0PAID01',
        occurredAt: '2026-11-01T09:00:00.000Z',
        direction: 'out',
        kind: 'b2c_payment',
        status: 'completed',
        amountCents: 1000_00,
        phone: worker,
        partyName: 'JANE WANJIRU',
        source: 'b2c_result',
      });
    })();
    const fromStatement = (receipt: string, phone: string) =>
      db.transaction(() =>
        recordTransaction(db, {
          receipt,
          occurredAt: '2026-11-02T09:00:00.000Z',
          direction: 'in',
          kind: 'c2b_payment',
          status: 'completed',
          amountCents: 1000_00,
          phone,
          partyDisplay: `${phone} - SOMEONE`,
          source: 'statement_import',
        }),
      )();
    const back = fromStatement('QKS0BACK01', worker);
    const ask = (transactionId: number) =>
      requestRefund(db, { transactionId, amountCents: 1000_00, reason: 'Refund' }, asAdmin());
    const refused = refusal(() => ask(back.id));
    expect(refused.code).toBe('may_be_money_back');
    expect(refused.message).toContain('this business has paid');
    expect(refundsForTransaction(db, back.id).refundable).toMatchObject({ leftCents: 0 });
    // A customer this business never paid, added from the statement the same way, can be refunded.
    const customer = fromStatement('QKS0CUST01', '254711000302');
    expect(refundView(db, ask(customer.id)).state).toBe('awaiting_approval');
  });
});

describe('a refund approved, not yet sent', () => {
  it('is checked against its receipt again when an approver sends it: a reversal since refuses it', () => {
    const paid = received(db, { phone: '254708374149' });
    const id = requestRefund(db, { transactionId: paid.id, amountCents: 1000_00, reason: 'Refund' }, asAdmin());
    expect(approveRefund(db, id, asApprover()).send).toBe(true);
    // The start was refused (the float was short); meanwhile the statement shows the payment
    // reversed on the portal.
    db.prepare(
      "INSERT INTO reversed_originals (original_id, via, recorded_at) VALUES (?, 'portal', '2026-11-30T08:00:00.000Z')",
    ).run(paid.id);
    const again = refusal(() =>
      approveRefund(db, id, { name: people.secondApprover.username, accountId: people.secondApprover.accountId }),
    );
    expect(again.code).toBe('reversed');
    expect(again.message).toContain('the money already went back to the customer');
  });

  it('takes the approval a raised policy now asks for, and only then is sent', () => {
    const paid = received(db, { phone: '254708374149' });
    const id = requestRefund(db, { transactionId: paid.id, amountCents: 1000_00, reason: 'Refund' }, asAdmin());
    const { runId } = refundView(db, id);
    expect(approveRefund(db, id, asApprover()).send).toBe(true);
    saveApprovalPolicy(db, { people: 3 }, people.admin.username);
    // The approver who already approved has nothing more to give.
    expect(refusal(() => approveRefund(db, id, asApprover())).code).toBe('already_approved');
    const second = approveRefund(db, id, {
      name: people.secondApprover.username,
      accountId: people.secondApprover.accountId,
    });
    expect(second.send).toBe(true);
    const approvers = db
      .prepare('SELECT approver_account_id FROM run_approvals WHERE run_id = ? AND voided_at IS NULL ORDER BY id')
      .all(runId);
    expect(approvers).toEqual([
      { approver_account_id: people.approver.accountId },
      { approver_account_id: people.secondApprover.accountId },
    ]);
  });
});

describe('a refund that failed', () => {
  it('is not retried as payroll: the amount is free to be asked for again', () => {
    const paid = received(db, { phone: '254708374149' });
    const id = requestRefund(db, { transactionId: paid.id, amountCents: 1000_00, reason: 'Refund' }, asAdmin());
    approveRefund(db, id, asApprover());
    const { itemId, runId } = refundView(db, id);
    db.prepare("UPDATE payroll_runs SET state = 'completed' WHERE id = ?").run(runId);
    db.prepare("UPDATE payroll_items SET state = 'failed' WHERE id = ?").run(itemId);
    const retry = refusal(() =>
      requestRetry(db, runId, { name: people.officer.username, accountId: people.officer.accountId }),
    );
    expect(retry.code).toBe('refund_run');
    expect(retry.message).toContain('a refund cannot be retried');
    expect(db.prepare('SELECT state FROM payroll_items WHERE id = ?').get(itemId)).toEqual({ state: 'failed' });
    const again = requestRefund(db, { transactionId: paid.id, amountCents: 1000_00, reason: 'Again' }, asAdmin());
    expect(refundView(db, again).state).toBe('awaiting_approval');
  });
});

describe('the refunds table', () => {
  it('keeps what was asked, and follows the line as the engine moves it', () => {
    const paid = received(db, { phone: '254708374149' });
    const id = requestRefund(db, { transactionId: paid.id, amountCents: 100_00, reason: 'Refund' }, asAdmin());
    expect(() => db.prepare('UPDATE refunds SET amount_cents = 200000 WHERE id = ?').run(id)).toThrow(
      /keeps what was asked/,
    );
    expect(() => db.prepare('DELETE FROM refunds WHERE id = ?').run(id)).toThrow(/never deleted/);
    approveRefund(db, id, asApprover());
    const { itemId } = refundView(db, id);
    db.prepare("UPDATE payroll_items SET state = 'paying' WHERE id = ?").run(itemId);
    expect(refundView(db, id).state).toBe('sending');
    db.prepare("UPDATE payroll_items SET state = 'failed' WHERE id = ?").run(itemId);
    expect(refundView(db, id).state).toBe('failed');
    expect(refundsForTransaction(db, paid.id).refundable?.leftCents).toBe(1000_00);
  });
});
