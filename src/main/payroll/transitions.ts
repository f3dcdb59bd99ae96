// State machines as tables (from → where it may go) for payroll runs and their items; the payout
// attempt's table is in engine/attempts.ts. Every UPDATE that changes a state takes its
// `WHERE state IN (…)` from its table, so the table and the code cannot disagree.
import type { ItemState, RunState } from './status';

export type Transitions<S extends string> = Readonly<Record<S, readonly S[]>>;

/**
 * The states a row may move to `target` from, read from `table`. `from` narrows it to the states
 * one step starts from (a cancel closes only lines not sent); a state the table forbids never passes.
 */
export function statesInto<S extends string>(table: Transitions<S>, target: S, from?: readonly S[]): S[] {
  return (Object.keys(table) as S[]).filter(
    (state) => table[state].includes(target) && (from === undefined || from.includes(state)),
  );
}

/** `state IN ('a', 'b')` for an UPDATE to `target` (`column` when the table is aliased). States are table keys, never input. */
export function stateGuard<S extends string>(
  table: Transitions<S>,
  target: S,
  from?: readonly S[],
  column = 'state',
): string {
  return `${column} IN (${statesInto(table, target, from)
    .map((state) => `'${state}'`)
    .join(', ')})`;
}

/**
 * A payroll run: approved from a draft, started, paused and resumed, completed when no line is
 * open, cancelled at any point before it ends; "retry failed" takes a completed run back to running.
 */
export const runTransitions: Transitions<RunState> = {
  draft: ['approved', 'cancelled'],
  approved: ['running', 'cancelled'],
  running: ['paused', 'completed', 'cancelled'],
  paused: ['running', 'cancelled'],
  completed: ['running'],
  cancelled: [],
};

/**
 * A line of a run. Evidence of payment makes any line paid that was not cancelled (M-Pesa paid it,
 * whatever Mshahara thought), and a paid line stays paid when a further receipt is recorded for it.
 * A failed line goes back to queued only by an approved retry. The schema keeps paid and cancelled final.
 */
export const itemTransitions: Transitions<ItemState> = {
  draft: ['queued', 'paid', 'cancelled'],
  queued: ['paying', 'paid', 'failed', 'cancelled'],
  paying: ['paid', 'failed', 'cancelled'],
  failed: ['queued', 'paid'],
  paid: ['paid'],
  cancelled: [],
};
