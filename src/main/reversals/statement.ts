// Reversals the M-Pesa statement shows (REFERENCE §13: a row whose Details or Reason Type says
// reversal, its Linked Transaction ID the original's receipt). Each one not yet in the ledger is
// recorded once, linked to its original: the receipt of a reversal M-Pesa had reported as already
// made ("R000001"), the evidence that settles a reversal whose outcome was unknown, or a reversal
// nobody asked Mshahara for (a payment to a customer reversed on the M-Pesa Org portal).
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { findByReceipt, recordTransaction } from '../ledger/transactions';
import {
  inFlightStates,
  linkReversalReceipt,
  moveReversal,
  recordReversedOriginal,
  reversedOriginal,
  reversalByOriginalReceipt,
} from './store';

interface StatementReversal {
  id: number;
  receipt: string;
  completed_at: string;
  paid_in_cents: number;
  withdrawn_cents: number;
  other_party: string | null;
  linked_receipt: string;
}

/** Records the statement's reversals of one account that the ledger lacks; answers how many. */
export function recordStatementReversals(db: ProfileDatabase, account: string, actor: string, nowIso: string): number {
  const rows = db
    .prepare(
      `SELECT s.id, s.receipt, s.completed_at, s.paid_in_cents, s.withdrawn_cents, s.other_party, s.linked_receipt
         FROM statement_rows s
        WHERE s.account = ? AND s.entry = 'reversal' AND s.linked_receipt IS NOT NULL AND lower(s.status) = 'completed'
          AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.receipt = s.receipt)`,
    )
    .all(account) as StatementReversal[];
  let recorded = 0;
  for (const row of rows) {
    db.transaction(() => {
      if (findByReceipt(db, row.receipt) !== undefined) return;
      const original = findByReceipt(db, row.linked_receipt);
      if (original === undefined) return; // an original Mshahara never recorded: the reconciliation shows it
      const done = reversedOriginal(db, original.id);
      if (done !== null && done.reversalTransactionId !== null) return; // reversed once already: never twice
      const reversal = reversalByOriginalReceipt(db, row.linked_receipt);
      const ours =
        reversal !== null &&
        (inFlightStates.includes(reversal.state) ||
          (reversal.state === 'succeeded' && reversal.reversalReceipt === null))
          ? reversal
          : null;
      const amount = row.paid_in_cents > 0 ? row.paid_in_cents : row.withdrawn_cents;
      const money = recordTransaction(db, {
        receipt: row.receipt,
        occurredAt: new Date(row.completed_at).toISOString(),
        recordedAt: new Date(nowIso).toISOString(),
        direction: row.paid_in_cents > 0 ? 'in' : 'out',
        kind: 'reversal',
        status: 'completed',
        amountCents: amount,
        phone: original.phone,
        partyName: original.partyName,
        partyDisplay: row.other_party ?? original.partyDisplay,
        accountReference: original.accountReference,
        reversalId: ours?.id ?? null,
        source: 'statement_import',
      });
      if (done !== null) linkReversalReceipt(db, original.id, money.id);
      else
        recordReversedOriginal(
          db,
          {
            originalId: original.id,
            reversalTransactionId: money.id,
            reversalId: ours?.id ?? null,
            via: ours === null ? 'portal' : 'api',
          },
          nowIso,
        );
      if (ours !== null) {
        if (ours.state !== 'succeeded')
          moveReversal(db, ours.id, 'succeeded', nowIso, {
            reversalReceipt: row.receipt,
            reportedAmountCents: amount,
            resultCode: 'statement',
            resultDesc: 'Shown on the M-Pesa statement',
            outcomeWords: `Reversed: the M-Pesa statement shows receipt ${row.receipt}.`,
            needsAttention: false,
            attentionReason: null,
          });
        else
          db.prepare('UPDATE reversals SET reversal_receipt = ? WHERE id = ? AND reversal_receipt IS NULL').run(
            row.receipt,
            ours.id,
          );
      }
      appendAudit(db, {
        actor,
        action: ours === null ? 'reversal.portal_recorded' : 'reversal.receipt_found',
        entity: ours === null ? 'transaction' : 'reversal',
        entityId: ours === null ? money.id : ours.id,
        details: { receipt: row.receipt, original: row.linked_receipt, amountCents: amount, statementRowId: row.id },
      });
      recorded += 1;
    }).immediate();
  }
  return recorded;
}
