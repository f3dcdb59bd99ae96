// Words and colours for a run's display status and an item's state, in the officer's language.
import type { RunView, RunResultRow } from '../../../shared/contract';

type DisplayStatus = RunView['displayStatus'];
type ItemState = RunResultRow['state'];

// Listed here rather than imported from the contract, which would pull zod into the first chunk.
const displayStatuses: Record<DisplayStatus, true> = {
  draft: true,
  approved: true,
  running: true,
  paused: true,
  completed: true,
  partially_paid: true,
  failed: true,
  cancelled: true,
};

export function isDisplayStatus(status: string): status is DisplayStatus {
  return Object.hasOwn(displayStatuses, status);
}

export function statusWords(status: DisplayStatus): string {
  switch (status) {
    case 'draft':
      return 'Draft';
    case 'approved':
      return 'Approved';
    case 'running':
      return 'Sending';
    case 'paused':
      return 'Paused';
    case 'completed':
      return 'All paid';
    case 'partially_paid':
      return 'Partly paid';
    case 'failed':
      return 'Failed';
    case 'cancelled':
      return 'Cancelled';
    default: {
      const unknown: never = status;
      return String(unknown);
    }
  }
}

export function statusColour(status: DisplayStatus): string {
  switch (status) {
    case 'draft':
    case 'cancelled':
      return 'gray';
    case 'approved':
    case 'running':
      return 'blue';
    case 'paused':
    case 'partially_paid':
      return 'orange';
    case 'completed':
      return 'teal';
    case 'failed':
      return 'red';
    default: {
      const unknown: never = status;
      return String(unknown);
    }
  }
}

export function itemWords(state: ItemState): string {
  switch (state) {
    case 'draft':
      return 'Not approved';
    case 'queued':
      return 'Waiting';
    case 'paying':
      return 'Sending';
    case 'paid':
      return 'Paid';
    case 'failed':
      return 'Failed';
    case 'cancelled':
      return 'Not sent';
    default: {
      const unknown: never = state;
      return String(unknown);
    }
  }
}

/** A finding's kind as the accountant reads it; a kind this screen does not know is shown as it came. */
export function findingWords(kind: string): string {
  switch (kind) {
    case 'paid_after_failure':
      return 'Paid after it was recorded as failed';
    case 'second_receipt':
      return 'A second receipt for one payment';
    case 'paid_twice':
      return 'Paid twice';
    case 'paid_after_cancel':
      return 'Paid after the run was cancelled';
    case 'failure_after_payment':
      return 'A failure reported after it was paid';
    default:
      return kind.replaceAll('_', ' ');
  }
}
