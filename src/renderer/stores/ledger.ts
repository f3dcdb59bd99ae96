// The ledger as the screen sees it: the filter, the size and totals of the filtered set, and a
// cache of pages fetched by index range as the officer scrolls. Never holds the whole ledger.
import { create } from 'zustand';
import type { LedgerRow, MethodInput, MethodOutput } from '../../shared/contract';
import { call } from '../api';

export type LedgerFilterInput = NonNullable<MethodInput<'ledger.list'>['filter']>;
export type LedgerSortInput = NonNullable<MethodInput<'ledger.list'>['sort']>;
type Totals = MethodOutput<'ledger.list'>['totals'];

export const pageSize = 200;
// About 12,000 rows: many screens of scrolling either way, a few MB at most.
const maxPages = 60;

interface LedgerState {
  filter: LedgerFilterInput;
  sort: LedgerSortInput;
  /** Bumped on every new filter so answers to an older one are dropped. */
  generation: number;
  total: number | undefined;
  totals: Totals | undefined;
  pages: Map<number, LedgerRow[]>;
  /** Why the last page asked for did not come, as the core said it (shown by components/Problem). */
  problem: unknown;
  setFilter(filter: LedgerFilterInput): void;
  setSort(sort: LedgerSortInput): void;
  /** Fetches whatever pages of rows [start, end) are not cached yet. */
  ensureRange(start: number, end: number): void;
  refresh(): void;
}

export function rowAt(pages: Map<number, LedgerRow[]>, index: number): LedgerRow | undefined {
  return pages.get(Math.floor(index / pageSize))?.[index % pageSize];
}

export const useLedger = create<LedgerState>((set, get) => {
  // Pages asked for and not answered yet: outside the state, since no screen draws them.
  let loading = new Set<number>();

  async function fetchPage(page: number): Promise<void> {
    const { generation, filter, sort } = get();
    if (loading.has(page)) return;
    loading.add(page);
    try {
      const answer = await call('ledger.list', { filter, sort, limit: pageSize, offset: page * pageSize });
      if (get().generation !== generation) return;
      const pages = new Map(get().pages);
      pages.set(page, answer.rows);
      if (pages.size > maxPages) {
        // Forget the pages furthest from the one just needed.
        const far = [...pages.keys()].sort((a, b) => Math.abs(b - page) - Math.abs(a - page));
        for (const key of far.slice(0, pages.size - maxPages)) pages.delete(key);
      }
      // Counts and totals usually come back unchanged: keep the same objects so nothing redraws for them.
      const { total, totals } = get();
      const sameTotals =
        totals !== undefined &&
        totals.inCents === answer.totals.inCents &&
        totals.outCents === answer.totals.outCents &&
        totals.chargesCents === answer.totals.chargesCents &&
        totals.estimatedChargesCents === answer.totals.estimatedChargesCents;
      set({
        pages,
        total: total === answer.total ? total : answer.total,
        totals: sameTotals ? totals : answer.totals,
        problem: undefined,
      });
    } catch (error) {
      if (get().generation === generation) set({ problem: error ?? new Error('The ledger did not answer.') });
    } finally {
      if (get().generation === generation) loading.delete(page);
    }
  }

  function restart(changes: Partial<Pick<LedgerState, 'filter' | 'sort'>>): void {
    loading = new Set();
    set({ ...changes, generation: get().generation + 1, pages: new Map(), problem: undefined });
    void fetchPage(0);
  }

  return {
    filter: {},
    sort: { by: 'occurredAt', direction: 'desc' },
    generation: 0,
    total: undefined,
    totals: undefined,
    pages: new Map(),
    problem: undefined,
    setFilter: (filter) => restart({ filter }),
    setSort: (sort) => restart({ sort }),
    ensureRange: (start, end) => {
      const { pages } = get();
      for (let page = Math.floor(start / pageSize); page <= Math.floor(Math.max(start, end - 1) / pageSize); page++) {
        if (!pages.has(page)) void fetchPage(page);
      }
    },
    refresh: () => restart({}),
  };
});
