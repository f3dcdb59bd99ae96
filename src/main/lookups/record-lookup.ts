// Recording money received that a lookup found and the ledger lacks: only from the answer stored in
// the inbox (never from values a caller sends), only when it says the transaction completed and
// this business's shortcode was paid, and once per receipt: a second record is refused, and a
// confirmation that arrives later finds the receipt in the ledger and is marked a copy.
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { recordTransaction, type LedgerTransaction } from '../ledger/transactions';
import { moneyBackAdvice, moneyBackReason } from './money-back';
import { partyOf } from './party';
import { ledgerMatch, receiptLookupView } from './receipt-lookup';
import { lookupById, storedStatusAnswer } from './status-lookups';

export function recordLookedUpPayment(
  db: ProfileDatabase,
  lookupId: number,
  shortcode: string,
  actor: string,
): LedgerTransaction {
  return db
    .transaction(() => {
      const lookup = lookupById(db, lookupId);
      if (lookup === null || lookup.purpose !== 'lookup' || lookup.receipt === null)
        throw new NotFoundError(`There is no lookup #${lookupId}.`);
      const view = receiptLookupView(db, lookupId, shortcode);
      const already = ledgerMatch(db, lookup.receipt);
      if (already !== null)
        throw new ConflictError(
          `The ledger already has receipt ${lookup.receipt} (row #${already.transactionId}): it is not recorded twice.`,
          { code: 'already_recorded' },
        );
      if (view.state !== 'answered' || lookup.inboxId === null)
        throw new ConflictError(`M-Pesa has not said that ${lookup.receipt} completed: there is nothing to record.`);
      if (view.completed !== true)
        throw new ConflictError(
          `M-Pesa does not say ${lookup.receipt} completed: it is not recorded as money received.`,
        );
      if (view.direction === 'out')
        throw new ConflictError(
          `${lookup.receipt} is money the business paid out: it is settled through its payroll run’s needs-attention list, not recorded here.`,
        );
      if (view.direction !== 'in')
        throw new ConflictError(`${lookup.receipt} did not pay this business’s shortcode: it is not money received.`);
      // Everything written comes from the stored answer itself.
      const answer = storedStatusAnswer(db, lookup.inboxId);
      if (answer === null || answer.amountCents === null || answer.finalisedAt === null || answer.receipt === null)
        throw new ConflictError(
          `M-Pesa’s answer about ${lookup.receipt} lacks the amount or the time: it cannot be recorded.`,
        );
      const moneyBack = moneyBackReason(db, answer);
      if (moneyBack !== null) throw new ConflictError(`${moneyBack} ${moneyBackAdvice}`, { code: 'may_be_money_back' });
      const payer = partyOf(answer.debitPartyName);
      const row = recordTransaction(db, {
        receipt: answer.receipt,
        occurredAt: answer.finalisedAt,
        direction: 'in',
        kind: 'c2b_payment',
        status: 'completed',
        amountCents: answer.amountCents,
        phone: payer.phone,
        partyName: payer.name,
        partyDisplay: answer.debitPartyName,
        inboxId: lookup.inboxId,
        source: 'status_result',
      });
      appendAudit(db, {
        actor,
        action: 'ledger.recorded_from_lookup',
        entity: 'transaction',
        entityId: row.id,
        details: { receipt: answer.receipt, amountCents: answer.amountCents, lookupId, inboxId: lookup.inboxId },
      });
      return row;
    })
    .immediate();
}
