// Reversals as the screens and the CLI read them: who asked, who approved, what happened in words,
// and what the person reading may do now.
import type { ReversalView } from '../../shared/contract/reversals';
import type { Caller } from '../../shared/contract/access';
import { NotFoundError } from '../../shared/errors';
import type { ProfileDatabase } from '../db';
import { getTransaction } from '../ledger/transactions';
import { accountRowById } from '../users/account-rows';
import { approvalsMissing } from './requests';
import { reversalRefusal } from './rules';
import { reversalOutcomeWords } from './send';
import {
  approvalsOf,
  liveReversalOf,
  onWorkList,
  reversalById,
  reversalsWhere,
  reversedOriginal,
  type Reversal,
} from './store';

export function reversalView(db: ProfileDatabase, r: Reversal, viewer: Caller | null): ReversalView {
  const asker = r.requestedByAccount === null ? undefined : accountRowById(db, r.requestedByAccount);
  const decliner = r.declinedByAccount === null ? undefined : accountRowById(db, r.declinedByAccount);
  const approvals = approvalsOf(db, r.id);
  const original = getTransaction(db, r.transactionId);
  const missing = r.state === 'draft' ? approvalsMissing(db, r) : 0;
  const approver = viewer !== null && viewer.roles.includes('approver');
  const notAsker = viewer !== null && viewer.accountId !== r.requestedByAccount;
  const approvedAlready = viewer !== null && approvals.some((a) => a.accountId === viewer.accountId);
  const stateWords =
    r.state === 'draft'
      ? `Waiting for ${missing === 1 ? 'one approver' : `${missing} approvers`} other than ${asker?.display_name ?? 'the person who asked'}.`
      : reversalOutcomeWords(r);
  return {
    id: r.id,
    transactionId: r.transactionId,
    originalReceipt: r.originalReceipt,
    amountCents: r.amountCents,
    partyName: original.partyName,
    phone: original.phone,
    reason: r.reason,
    state: r.state,
    stateWords,
    requestedBy: asker?.username ?? '',
    requestedByName: asker?.display_name ?? '',
    requestedAt: r.requestedAt,
    approvals: approvals.map((a) => ({ username: a.username, name: a.displayName, at: a.approvedAt })),
    approvalsMissing: missing,
    declinedByName: decliner?.display_name ?? null,
    declineReason: r.declineReason,
    reversalReceipt: r.reversalReceipt,
    reportedAmountCents: r.reportedAmountCents,
    alreadyReversed: r.alreadyReversed,
    needsAttention: r.needsAttention,
    attentionReason: r.attentionReason,
    resultCode: r.resultCode,
    sends: r.sends,
    canApprove: r.state === 'draft' && approver && notAsker && !approvedAlready,
    canDecline: r.state === 'draft' && approver && notAsker,
    canResolve: approver && onWorkList(r),
  };
}

export function requireReversalView(db: ProfileDatabase, id: number, viewer: Caller | null): ReversalView {
  const r = reversalById(db, id);
  if (r === null) throw new NotFoundError(`There is no reversal #${id}`);
  return reversalView(db, r, viewer);
}

export function listReversals(
  db: ProfileDatabase,
  show: 'all' | 'open' | 'attention',
  viewer: Caller | null,
): { reversals: ReversalView[]; waiting: number; attention: number } {
  const where =
    show === 'open'
      ? `state IN ('draft', 'approved', 'sending', 'accepted', 'unknown') ORDER BY id DESC`
      : show === 'attention'
        ? `needs_attention = 1 ORDER BY id DESC`
        : `1 = 1 ORDER BY id DESC LIMIT 500`;
  const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  return {
    reversals: reversalsWhere(db, where).map((r) => reversalView(db, r, viewer)),
    waiting: count(`SELECT count(*) AS n FROM reversals WHERE state = 'draft'`),
    attention: count(`SELECT count(*) AS n FROM reversals WHERE needs_attention = 1`),
  };
}

/** What the ledger detail of one row shows about reversing it. */
export function reversalOfTransaction(db: ProfileDatabase, transactionId: number, viewer: Caller | null) {
  const t = getTransaction(db, transactionId);
  const done = reversedOriginal(db, transactionId);
  const live =
    liveReversalOf(db, transactionId) ??
    reversalsWhere(db, 'transaction_id = ? ORDER BY id DESC LIMIT 1', transactionId)[0] ??
    null;
  const money = done?.reversalTransactionId == null ? null : getTransaction(db, done.reversalTransactionId);
  const original = db
    .prepare('SELECT original_id AS id FROM reversed_originals WHERE reversal_transaction_id = ?')
    .get(transactionId) as { id: number } | undefined;
  return {
    reverses:
      original === undefined ? null : { transactionId: original.id, receipt: getTransaction(db, original.id).receipt },
    refusal: reversalRefusal(db, t),
    reversal: live === null ? null : reversalView(db, live, viewer),
    reversedBy:
      done === null ? null : { receipt: money?.receipt ?? null, transactionId: money?.id ?? null, via: done.via },
  };
}
