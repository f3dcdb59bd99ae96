// What a person decides about a statement row Mshahara could not match on its own: a row only on
// the statement is added to the ledger with a kind or marked as belonging elsewhere; a proposed
// payout attempt is confirmed through the payout engine's own resolve path. A locked row refuses.
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { recordTransaction, type TransactionKind } from '../ledger/transactions';
import type { Resolution, ResolveOutcome } from '../payroll/engine/attention';
import { matchAccount, type Proposal } from './match';

interface DecidableRow {
  id: number;
  account: string;
  receipt: string;
  completed_at: string;
  paid_in_cents: number;
  withdrawn_cents: number;
  phone: string | null;
  other_party: string | null;
  account_number: string | null;
  import_id: number;
  line: number;
  bucket: string;
  proposals: string | null;
  reconciliation_id: number | null;
}

function decidable(db: ProfileDatabase, rowId: number): DecidableRow {
  const row = db
    .prepare(
      `SELECT s.id, s.account, s.receipt, s.completed_at, s.paid_in_cents, s.withdrawn_cents, s.phone, s.other_party, s.account_number, s.import_id, s.line,
              m.bucket, m.proposals, m.reconciliation_id
         FROM statement_rows s JOIN statement_matches m ON m.statement_row_id = s.id WHERE s.id = ?`,
    )
    .get(rowId) as DecidableRow | undefined;
  if (row === undefined) throw new NotFoundError(`There is no statement row #${rowId}`);
  if (row.reconciliation_id !== null)
    throw new ConflictError(`Statement row ${row.receipt} is reconciled and locked; record a correction instead`);
  return row;
}

const kindsIn: readonly TransactionKind[] = ['c2b_payment', 'stk_payment'];
const kindsOut: readonly TransactionKind[] = ['b2c_payment', 'reversal', 'refund'];

/** A portal payment, a top-up or money received: written to the ledger from the statement row. */
export function addToLedger(
  db: ProfileDatabase,
  input: { rowId: number; kind: TransactionKind; actor: string; now: string },
): number {
  const id = db
    .transaction(() => {
      const row = decidable(db, input.rowId);
      if (row.bucket !== 'statement_only')
        throw new ConflictError(`Statement row ${row.receipt} is already in the ledger (${row.bucket})`);
      const direction = row.paid_in_cents > 0 ? 'in' : 'out';
      if (!(direction === 'in' ? kindsIn : kindsOut).includes(input.kind)) {
        throw new ValidationError(
          `Statement row ${row.receipt} is money ${direction === 'in' ? 'received' : 'paid out'}; "${input.kind}" is not that kind`,
        );
      }
      const ledger = recordTransaction(db, {
        receipt: row.receipt,
        occurredAt: row.completed_at,
        direction,
        kind: input.kind,
        status: 'completed',
        amountCents: direction === 'in' ? row.paid_in_cents : row.withdrawn_cents,
        phone: row.phone,
        partyDisplay: row.other_party,
        accountReference: row.account_number,
        source: 'statement_import',
      });
      db.prepare(
        "UPDATE statement_matches SET settlement = 'added_to_ledger', updated_at = ? WHERE statement_row_id = ?",
      ).run(input.now, row.id);
      appendAudit(db, {
        actor: input.actor,
        action: 'statement_row.added_to_ledger',
        entity: 'statement_row',
        entityId: row.id,
        details: { receipt: row.receipt, kind: input.kind, transactionId: ledger.id },
      });
      return ledger.id;
    })
    .immediate();
  const { account } = decidable(db, input.rowId);
  matchAccount(db, account, input.now);
  return id;
}

/** The row is real money that belongs to another system's books; kept, not added. */
export function markElsewhere(
  db: ProfileDatabase,
  input: { rowId: number; note: string; actor: string; now: string },
): void {
  if (input.note.trim() === '') throw new ValidationError('Say where the money belongs (a note)');
  db.transaction(() => {
    const row = decidable(db, input.rowId);
    if (row.bucket !== 'statement_only')
      throw new ConflictError(`Statement row ${row.receipt} is in the ledger (${row.bucket})`);
    db.prepare(
      "UPDATE statement_matches SET settlement = 'belongs_elsewhere', note = ?, updated_at = ? WHERE statement_row_id = ?",
    ).run(input.note.trim(), input.now, row.id);
    appendAudit(db, {
      actor: input.actor,
      action: 'statement_row.belongs_elsewhere',
      entity: 'statement_row',
      entityId: row.id,
      details: { receipt: row.receipt, note: input.note.trim() },
    });
  }).immediate();
}

/** The engine's resolve path (PayoutEngine.resolveItem): Transaction Status is asked about the receipt first. */
export type ResolvePayment = (itemId: number, resolution: Resolution, actor: string) => Promise<ResolveOutcome>;

/**
 * A person confirms that a statement payment is a payout attempt that waits for an answer: the
 * engine settles it on the receipt (asking M-Pesa about it first), and the row then matches.
 */
export async function confirmProposal(
  db: ProfileDatabase,
  resolve: ResolvePayment,
  input: { rowId: number; attemptId: number; actor: string; now: string },
): Promise<ResolveOutcome> {
  const row = decidable(db, input.rowId);
  const proposal = (row.proposals === null ? [] : (JSON.parse(row.proposals) as Proposal[])).find(
    (p) => p.attemptId === input.attemptId,
  );
  if (proposal === undefined)
    throw new ConflictError(`Payout attempt #${input.attemptId} is not proposed for statement row ${row.receipt}`);
  if (proposal.state === 'failed' || proposal.state === 'rejected') {
    throw new ConflictError(
      `Mshahara recorded payout attempt #${input.attemptId} as ${proposal.state}, yet M-Pesa paid ${row.receipt}: this is a finding for a person to clear, not a settlement`,
    );
  }
  const file = db.prepare('SELECT file_name FROM statement_imports WHERE id = ?').pluck().get(row.import_id) as string;
  const outcome = await resolve(
    proposal.itemId,
    { outcome: 'paid', receipt: row.receipt, reason: `On the M-Pesa statement: ${file}, line ${row.line}` },
    input.actor,
  );
  matchAccount(db, row.account, input.now);
  return outcome;
}
