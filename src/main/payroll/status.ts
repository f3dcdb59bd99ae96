// What a payroll run is called on screen: its stored state plus how its items ended. The stored
// state says where the run is in its life; only the items can say whether people were paid.

export const runStates = ['draft', 'approved', 'running', 'paused', 'completed', 'cancelled'] as const;
export type RunState = (typeof runStates)[number];

export const itemStates = ['draft', 'queued', 'paying', 'paid', 'failed', 'cancelled'] as const;
export type ItemState = (typeof itemStates)[number];

export type ItemCounts = Record<ItemState, number>;

export type RunDisplayStatus =
  'draft' | 'approved' | 'running' | 'paused' | 'completed' | 'partially_paid' | 'failed' | 'cancelled';

/** The words a payroll officer reads for each status. */
export const runDisplayLabels: Readonly<Record<RunDisplayStatus, string>> = {
  draft: 'Draft',
  approved: 'Approved',
  running: 'Running',
  paused: 'Paused',
  completed: 'Completed',
  partially_paid: 'Partially paid',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function emptyItemCounts(): ItemCounts {
  return { draft: 0, queued: 0, paying: 0, paid: 0, failed: 0, cancelled: 0 };
}

/** Items that may still become paid: until they settle the run cannot be called done. */
export function unsettledItems(counts: Partial<ItemCounts>): number {
  return (counts.draft ?? 0) + (counts.queued ?? 0) + (counts.paying ?? 0);
}

/**
 * The status shown for a run. A completed run is judged by its items: all paid → completed; some
 * paid and some failed or cancelled → partially paid; none paid and some failed → failed. A run
 * marked completed while items are still queued or paying is shown as running, never as done:
 * telling an officer "completed" while money may still move would be a lie.
 */
export function runDisplayStatus(counts: Partial<ItemCounts>, state: RunState): RunDisplayStatus {
  switch (state) {
    case 'draft':
    case 'approved':
    case 'running':
    case 'paused':
    case 'cancelled':
      return state;
    case 'completed': {
      if (unsettledItems(counts) > 0) return 'running';
      const paid = counts.paid ?? 0;
      const failed = counts.failed ?? 0;
      const cancelled = counts.cancelled ?? 0;
      if (failed === 0 && cancelled === 0) return 'completed';
      if (paid > 0) return 'partially_paid';
      // Nothing paid: failures make it failed; a run whose every item was cancelled paid nobody on purpose.
      return failed > 0 ? 'failed' : 'cancelled';
    }
    default: {
      const unknown: never = state;
      throw new Error(`Unknown payroll run state ${String(unknown)}`);
    }
  }
}
