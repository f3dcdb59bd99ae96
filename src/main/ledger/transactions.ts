// The ledger's rows: every money movement as M-Pesa recorded it, appended and never changed. A
// mistake is fixed by a correction row that carries the full corrected values and points back.
import { ConflictError, InternalError, NotFoundError, ValidationError } from '../../shared/errors';
import type { ChargeBasis } from '../../shared/contract-values';
import type { Cents } from '../../shared/money';
import type { Msisdn } from '../../shared/phone';
import type { ProfileDatabase } from '../db';
import { appendAudit } from './audit';

export const transactionKinds = ['b2c_payment', 'c2b_payment', 'stk_payment', 'reversal', 'refund'] as const;
export type TransactionKind = (typeof transactionKinds)[number];
export const transactionStatuses = ['completed', 'failed'] as const;
export type TransactionStatus = (typeof transactionStatuses)[number];
export type TransactionDirection = 'in' | 'out';
export type TransactionSource =
  | 'b2c_result'
  | 'status_result'
  | 'reversal_result'
  | 'c2b_confirmation'
  | 'stk_callback'
  | 'statement_import'
  | 'manual';

/** What a new ledger row says. Times are ISO-8601 UTC ('2026-11-21T22:14:01.123Z'). */
export interface NewTransaction {
  receipt: string | null;
  occurredAt: string;
  direction: TransactionDirection;
  kind: TransactionKind;
  status: TransactionStatus;
  amountCents: Cents;
  chargeCents?: Cents | null;
  phone?: Msisdn | null;
  partyName?: string | null;
  partyDisplay?: string | null;
  accountReference?: string | null;
  utilityBalanceCents?: Cents | null;
  attemptId?: number | null;
  reversalId?: number | null;
  inboxId?: number | null;
  source: TransactionSource;
  /** When Mshahara wrote it; the database's clock when not given (the engine passes its own). */
  recordedAt?: string;
  /** Money that contradicts what Mshahara recorded (paid after a recorded failure, a second receipt). */
  contradiction?: string | null;
  /** Whether the charge is the tariff's estimate or the one M-Pesa reported. */
  chargeBasis?: 'estimated' | 'reported' | null;
}

export interface LedgerTransaction extends Required<
  Omit<NewTransaction, 'recordedAt' | 'contradiction' | 'chargeBasis'>
> {
  id: number;
  recordedAt: string;
  correctsId: number | null;
  correctionReason: string | null;
  /** How the row's own charge was known; null on rows written before the basis was kept. */
  chargeBasis: 'estimated' | 'reported' | null;
  /** The charge M-Pesa's statement showed for this payment (confirmed_charges), when imported. */
  confirmedChargeCents: Cents | null;
}

const ownColumns =
  'id, receipt, occurred_at, recorded_at, direction, kind, status, amount_cents, charge_cents, phone, party_name, party_display, ' +
  'account_reference, utility_balance_cents, attempt_id, reversal_id, inbox_id, source, corrects_id, correction_reason, charge_basis';

/** The columns of a ledger row read from `transactions t`, with the charge the statement confirmed. */
export const transactionColumns = `${ownColumns.replace(/(^|, )/g, '$1t.')}, (SELECT cc.charge_cents FROM confirmed_charges cc WHERE cc.transaction_id = t.id) AS confirmed_charge_cents`;

export interface TransactionRow {
  id: number;
  receipt: string | null;
  occurred_at: string;
  recorded_at: string;
  direction: TransactionDirection;
  kind: TransactionKind;
  status: TransactionStatus;
  amount_cents: number;
  charge_cents: number | null;
  phone: string | null;
  party_name: string | null;
  party_display: string | null;
  account_reference: string | null;
  utility_balance_cents: number | null;
  attempt_id: number | null;
  reversal_id: number | null;
  inbox_id: number | null;
  source: TransactionSource;
  corrects_id: number | null;
  correction_reason: string | null;
  charge_basis: 'estimated' | 'reported' | null;
  confirmed_charge_cents: number | null;
}

export function toLedgerTransaction(row: TransactionRow): LedgerTransaction {
  return {
    id: row.id,
    receipt: row.receipt,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    direction: row.direction,
    kind: row.kind,
    status: row.status,
    amountCents: row.amount_cents,
    chargeCents: row.charge_cents,
    phone: row.phone,
    partyName: row.party_name,
    partyDisplay: row.party_display,
    accountReference: row.account_reference,
    utilityBalanceCents: row.utility_balance_cents,
    attemptId: row.attempt_id,
    reversalId: row.reversal_id,
    inboxId: row.inbox_id,
    source: row.source,
    correctsId: row.corrects_id,
    correctionReason: row.correction_reason,
    chargeBasis: row.charge_basis,
    confirmedChargeCents: row.confirmed_charge_cents,
  };
}

/**
 * The charge of a movement as the ledger knows it best, and how it is known: confirmed by the
 * statement's charge row, reported in M-Pesa's answer, or estimated from the tariff. Rows written
 * before the basis was kept carry a charge only when M-Pesa reported one.
 */
export function bestKnownCharge(t: LedgerTransaction): { cents: Cents | null; basis: ChargeBasis | null } {
  if (t.confirmedChargeCents !== null) return { cents: t.confirmedChargeCents, basis: 'confirmed' };
  if (t.chargeCents === null) return { cents: null, basis: null };
  return { cents: t.chargeCents, basis: t.chargeBasis ?? 'reported' };
}

const isoUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function checkRow(row: NewTransaction): void {
  // Text order is time order only when every time is written the same way.
  if (!isoUtc.test(row.occurredAt))
    throw new ValidationError(`Ledger times are ISO-8601 UTC with milliseconds; got "${row.occurredAt}"`);
  if (row.recordedAt !== undefined && !isoUtc.test(row.recordedAt))
    throw new ValidationError(`Ledger times are ISO-8601 UTC with milliseconds; got "${row.recordedAt}"`);
  if (!Number.isSafeInteger(row.amountCents) || row.amountCents < 0)
    throw new ValidationError(`Ledger amounts are whole cents, not ${row.amountCents}`);
}

function insert(
  db: ProfileDatabase,
  row: NewTransaction,
  correction: { correctsId: number; reason: string } | null,
): LedgerTransaction {
  checkRow(row);
  const result = db
    .prepare(
      `INSERT INTO transactions (receipt, occurred_at, recorded_at, direction, kind, status, amount_cents, charge_cents, phone, party_name,
         party_display, account_reference, utility_balance_cents, attempt_id, reversal_id, inbox_id, source, corrects_id, correction_reason,
         contradiction, charge_basis)
       VALUES (?, ?, COALESCE(?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      row.receipt,
      row.occurredAt,
      row.recordedAt ?? null,
      row.direction,
      row.kind,
      row.status,
      row.amountCents,
      row.chargeCents ?? null,
      row.phone ?? null,
      row.partyName ?? null,
      row.partyDisplay ?? null,
      row.accountReference ?? null,
      row.utilityBalanceCents ?? null,
      row.attemptId ?? null,
      row.reversalId ?? null,
      row.inboxId ?? null,
      row.source,
      correction?.correctsId ?? null,
      correction?.reason ?? null,
      row.contradiction ?? null,
      row.chargeBasis ?? null,
    );
  return getTransaction(db, Number(result.lastInsertRowid));
}

/**
 * Appends one ledger row. Must run inside the caller's transaction: the row belongs to a state
 * change (an attempt succeeded, a C2B payment arrived) whose audit entry the caller writes, and
 * the two must commit together (docs/money-safety.md#rule-15).
 */
export function recordTransaction(db: ProfileDatabase, row: NewTransaction): LedgerTransaction {
  if (!db.inTransaction)
    throw new InternalError('A ledger row is recorded inside the transaction of the state change it belongs to.');
  return insert(db, row, null);
}

export function getTransaction(db: ProfileDatabase, id: number): LedgerTransaction {
  const row = db.prepare(`SELECT ${transactionColumns} FROM transactions t WHERE t.id = ?`).get(id) as
    TransactionRow | undefined;
  if (row === undefined) throw new NotFoundError(`There is no ledger entry #${id}`);
  return toLedgerTransaction(row);
}

export function findByReceipt(db: ProfileDatabase, receipt: string): LedgerTransaction | undefined {
  const row = db
    .prepare(
      `SELECT ${transactionColumns} FROM transactions t WHERE t.receipt = ? AND NOT EXISTS (SELECT 1 FROM transactions c WHERE c.corrects_id = t.id)`,
    )
    .get(receipt.trim().toUpperCase()) as TransactionRow | undefined;
  return row === undefined ? undefined : toLedgerTransaction(row);
}

/**
 * Records a correction of ledger row `id`: a new row with the full corrected values and the reason.
 * Only the current version of a movement can be corrected, so the history stays one line.
 */
export function correctTransaction(
  db: ProfileDatabase,
  id: number,
  changes: Partial<Omit<NewTransaction, 'source'>>,
  reason: string,
  actor: string,
): LedgerTransaction {
  const why = reason.replace(/\s+/g, ' ').trim();
  if (why === '') throw new ValidationError('Say why this ledger entry is being corrected');
  return db
    .transaction(() => {
      const current = getTransaction(db, id);
      const later = db.prepare('SELECT id FROM transactions WHERE corrects_id = ?').get(id) as
        { id: number } | undefined;
      if (later !== undefined)
        throw new ConflictError(`Ledger entry #${id} was already corrected by #${later.id}; correct that one instead`);
      // The correction keeps what was known of the charge: the statement's figure when it
      // confirmed one (M-Pesa reported it), else the row's own with its basis.
      const charge = bestKnownCharge(current);
      const corrected: NewTransaction = {
        receipt: current.receipt,
        occurredAt: current.occurredAt,
        direction: current.direction,
        kind: current.kind,
        status: current.status,
        amountCents: current.amountCents,
        chargeCents: charge.cents,
        chargeBasis: charge.basis === 'confirmed' ? 'reported' : current.chargeBasis,
        phone: current.phone,
        partyName: current.partyName,
        partyDisplay: current.partyDisplay,
        accountReference: current.accountReference,
        utilityBalanceCents: current.utilityBalanceCents,
        attemptId: current.attemptId,
        reversalId: current.reversalId,
        inboxId: current.inboxId,
        ...changes,
        ...('chargeCents' in changes ? { chargeBasis: changes.chargeBasis ?? 'reported' } : {}),
        source: 'manual',
      };
      const row = insert(db, corrected, { correctsId: id, reason: why });
      appendAudit(db, {
        actor,
        action: 'transaction.corrected',
        entity: 'transaction',
        entityId: row.id,
        details: { correctsId: id, reason: why, changes },
      });
      return row;
    })
    .immediate();
}
