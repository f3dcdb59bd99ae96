// A refund's state as an admin reads it, and its colour, for the Refunds screen and the ledger row.
import type { RefundStateName } from '../../../shared/contract';

export const refundStateLabels: Record<RefundStateName, string> = {
  awaiting_approval: 'Waiting for approval',
  approved: 'Approved, not sent',
  sending: 'Being sent',
  paid: 'Paid',
  failed: 'Failed',
  declined: 'Declined',
  cancelled: 'Cancelled',
};

export const refundStateColours: Record<RefundStateName, string> = {
  awaiting_approval: 'yellow',
  approved: 'orange',
  sending: 'blue',
  paid: 'teal',
  failed: 'red',
  declined: 'gray',
  cancelled: 'gray',
};
