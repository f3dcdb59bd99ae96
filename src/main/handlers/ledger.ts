// Contract handlers for the ledger: a filtered, sorted page with the totals of the whole filtered
// set, one transaction with the raw callback it was read from, and the export of the filtered set.
import type { LedgerFilter as ContractFilter, MethodInput, MethodOutput } from '../../shared/contract';
import { nairobiDayStart } from '../../shared/time';
import type { ContractHandlers } from '../transports/dispatch';
import { exportLedger } from '../ledger/export';
import { ledgerTotals, listTransactions, type LedgerFilter, type LedgerSort } from '../ledger/query';
import { ledgerDetail, ledgerRows } from '../ledger/rows';
import type { ApiContext } from './context';
import { exportFileName, produceFile } from './files';

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

export function ledgerFilterOf(filter: ContractFilter): LedgerFilter {
  return {
    ...(filter.from === undefined ? {} : { from: nairobiDayStart(filter.from) }),
    // The screen's "to" day is inclusive; the query's end is exclusive.
    ...(filter.to === undefined ? {} : { to: nairobiDayStart(nextDay(filter.to)) }),
    ...(filter.kinds === undefined ? {} : { kinds: filter.kinds }),
    ...(filter.statuses === undefined ? {} : { statuses: filter.statuses }),
    ...(filter.direction === undefined ? {} : { direction: filter.direction }),
    ...(filter.minCents === undefined ? {} : { minAmountCents: filter.minCents }),
    ...(filter.maxCents === undefined ? {} : { maxAmountCents: filter.maxCents }),
    ...(filter.search === undefined || filter.search === '' ? {} : { search: filter.search }),
    ...(filter.runId === undefined ? {} : { runId: filter.runId }),
  };
}

function ledgerSortOf(sort: MethodInput<'ledger.list'>['sort']): LedgerSort {
  return { by: sort?.by === 'amount' ? 'amount' : 'time', order: sort?.direction === 'asc' ? 'asc' : 'desc' };
}

type LedgerMethods = 'ledger.list' | 'ledger.detail' | 'ledger.export';

export function ledgerHandlers(ctx: ApiContext): Pick<ContractHandlers, LedgerMethods> {
  const core = () => ctx.session.require();
  return {
    'ledger.list': ({ filter, sort, limit, offset, after }): MethodOutput<'ledger.list'> => {
      const { db } = core();
      const query = ledgerFilterOf(filter);
      const listing = listTransactions(
        db,
        query,
        ledgerSortOf(sort),
        after === undefined ? { limit, offset } : { limit, after },
      );
      return {
        rows: ledgerRows(db, listing.rows),
        total: listing.totals.count,
        totals: {
          inCents: listing.totals.amountInCents,
          outCents: listing.totals.amountOutCents,
          chargesCents: listing.totals.chargesCents,
          estimatedChargesCents: listing.totals.estimatedChargesCents,
        },
        next: listing.next,
      };
    },
    'ledger.detail': ({ id }) => ledgerDetail(core().db, id),
    'ledger.export': ({ filter, sort, format }) => {
      const { db, profile } = core();
      const query = ledgerFilterOf(filter);
      const count = ledgerTotals(db, query).count;
      return produceFile(ctx, profile.name, exportFileName('mshahara-ledger', format), format, async (path) => {
        await exportLedger(db, path, { format, filter: query, sort: ledgerSortOf(sort) });
        return count;
      });
    },
  };
}
