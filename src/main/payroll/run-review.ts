// What the approver sees before approving, beyond totals and warnings: every line of the run
// (paged), each compared with the person's last paid line (run-changes.ts), the approval state in
// words (who approved and when, who is still needed, approvals voided and why, the policy), what
// the person looking may do, and any retry waiting for an approver. Every door shows the same.
import type { Caller } from '../../shared/contract/access';
import { formatDateTime } from '../../shared/format';
import type { ProfileDatabase } from '../db';
import { accountRowById } from '../users/account-rows';
import { describePolicy } from './approval-policy';
import { approvalState, type ApprovalState } from './approvals';
import { countChanges, runChanges, type ChangeCounts, type LastPaid, type LineChangeKind } from './run-changes';
import { listRunItems } from './runs';
import { openRetryRequest } from './retry-requests';

export interface ReviewLinesPage {
  show: 'all' | 'changed';
  limit: number;
  offset: number;
}

export interface ReviewLine {
  itemId: number;
  lineNumber: number | null;
  workerId: number | null;
  name: string;
  phone: string;
  amountCents: number;
  remarks: string | null;
  change: LineChangeKind;
  phoneChanged: boolean;
  nameChanged: boolean;
  amountChanged: boolean;
  lastPaid: Omit<LastPaid, 'itemId'> | null;
}

interface Person {
  username: string;
  displayName: string;
}

export interface ApprovalView {
  policyWords: string;
  singlePerson: boolean;
  peopleNeeded: number;
  approvalsNeeded: number;
  approvalsCounted: number;
  maker: Person | null;
  approvals: Array<
    Person & { approvedAt: string; counts: boolean; voidedAt: string | null; voidReason: string | null }
  >;
  summary: string;
  canSend: boolean;
  blocker: string | null;
}

export interface RunReviewDetail {
  lines: { items: ReviewLine[]; total: number };
  changeCounts: ChangeCounts;
  approval: ApprovalView;
  viewer: { isMaker: boolean; mayApprove: boolean; mayEdit: boolean; mayAskRetry: boolean; mayApproveRetry: boolean };
  retryRequest: {
    requestedBy: Person;
    requestedAt: string;
    count: number;
    amountCents: number;
  } | null;
}

const spelled = ['no', 'one', 'two', 'three'];

/** "Approved by Baraka Mwangi at 3 Nov 2026, 14:02; needs one more approver other than Amina Odhiambo". */
export function approvalSummary(state: ApprovalState, maker: Person | null): string {
  const counted = state.approvals.filter((a) => a.counts);
  const parts: string[] = [
    counted.length === 0
      ? 'Not approved yet'
      : `Approved by ${counted.map((a) => `${a.approverName} at ${formatDateTime(a.approvedAt)}`).join(' and ')}`,
  ];
  const missing = Math.max(0, state.approvalsNeeded - state.approvalsCounted);
  if (maker === null) parts.push('no maker on record, so it cannot be approved: prepare it again while signed in');
  else if (missing > 0 && state.peopleNeeded === 1)
    parts.push(`needs the approval of ${maker.displayName}, who prepared it (single person)`);
  else if (missing > 0)
    parts.push(
      `needs ${spelled[missing] ?? String(missing)} more approver${missing === 1 ? '' : 's'} other than ${maker.displayName}`,
    );
  const voided = state.approvals.filter((a) => !a.counts && (a.voidedAt !== null || !a.matchesRun)).length;
  if (voided > 0)
    parts.push(`${voided} earlier approval${voided === 1 ? ' was' : 's were'} voided because the run changed after it`);
  return parts.join('; ');
}

function personOf(db: ProfileDatabase, accountId: number | null): Person | null {
  if (accountId === null) return null;
  const row = accountRowById(db, accountId);
  return row === undefined ? null : { username: row.username, displayName: row.display_name };
}

export function approvalView(db: ProfileDatabase, state: ApprovalState): ApprovalView {
  const maker = personOf(db, state.makerAccountId);
  return {
    policyWords: describePolicy(state.policy),
    singlePerson: state.peopleNeeded === 1,
    peopleNeeded: state.peopleNeeded,
    approvalsNeeded: state.approvalsNeeded,
    approvalsCounted: state.approvalsCounted,
    maker,
    approvals: state.approvals.map((a) => ({
      username: a.approverUsername,
      displayName: a.approverName,
      approvedAt: a.approvedAt,
      counts: a.counts,
      voidedAt: a.voidedAt,
      voidReason: a.voidReason,
    })),
    summary: approvalSummary(state, maker),
    canSend: state.canSend,
    blocker: state.blocker,
  };
}

/** The review of `runId` as `viewer` sees it, with one page of its lines. */
export function runReviewDetail(
  db: ProfileDatabase,
  runId: number,
  viewer: Caller | null,
  page: ReviewLinesPage = { show: 'all', limit: 200, offset: 0 },
): RunReviewDetail {
  const state = approvalState(db, runId);
  const changes = runChanges(db, runId);
  const shown = page.show === 'all' ? changes : changes.filter((c) => c.kind !== 'same');
  const slice = shown.slice(page.offset, page.offset + page.limit);
  const items = new Map(listRunItems(db, runId).map((item) => [item.id, item]));
  const lines = slice.flatMap((change): ReviewLine[] => {
    const item = items.get(change.itemId);
    if (item === undefined) return [];
    const last = change.lastPaid;
    return [
      {
        itemId: item.id,
        lineNumber: item.lineNumber,
        workerId: item.workerId,
        name: item.name,
        phone: item.phone,
        amountCents: item.amountCents,
        remarks: item.remarks,
        change: change.kind,
        phoneChanged: change.phoneChanged,
        nameChanged: change.nameChanged,
        amountChanged: change.amountChanged,
        lastPaid:
          last === null
            ? null
            : {
                runId: last.runId,
                runTitle: last.runTitle,
                name: last.name,
                phone: last.phone,
                amountCents: last.amountCents,
                matchedBy: last.matchedBy,
              },
      },
    ];
  });
  const isMaker = viewer !== null && viewer.accountId === state.makerAccountId;
  const draft = state.runState === 'draft';
  // An approved run the policy now asks more of takes more approvals (run-approval.ts).
  const approvable = draft || (state.runState === 'approved' && !state.canSend);
  const standing = state.approvals.some((a) => a.approverAccountId === viewer?.accountId && a.counts);
  const request = openRetryRequest(db, runId);
  return {
    lines: { items: lines, total: shown.length },
    changeCounts: countChanges(changes),
    approval: approvalView(db, state),
    viewer: {
      isMaker,
      mayApprove:
        approvable &&
        viewer !== null &&
        viewer.roles.includes('approver') &&
        state.makerAccountId !== null &&
        (!isMaker || state.peopleNeeded === 1) &&
        !standing,
      mayEdit:
        draft &&
        viewer !== null &&
        (isMaker || (state.makerAccountId === null && viewer.roles.includes('payroll-officer'))),
      mayAskRetry: viewer !== null && viewer.roles.includes('payroll-officer'),
      mayApproveRetry:
        request !== null &&
        viewer !== null &&
        viewer.roles.includes('approver') &&
        viewer.accountId !== request.requestedByAccountId,
    },
    retryRequest:
      request === null
        ? null
        : {
            requestedBy: { username: request.requestedByUsername, displayName: request.requestedByName },
            requestedAt: request.requestedAt,
            count: request.count,
            amountCents: request.amountCents,
          },
  };
}
