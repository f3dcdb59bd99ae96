// Contract handlers for accountants' reports: the failed-payments report, a page at a time with the
// totals of the whole filtered set, and its export as CSV or XLSX.
import type { FailedPaymentsFilter as ContractFilter } from '../../shared/contract';
import type { ContractHandlers } from '../transports/dispatch';
import { failedPayments, failedPaymentsTotals, type FailedPaymentsFilter } from '../payroll/failed-payments';
import { exportFailedPayments } from '../payroll/failed-payments-export';
import type { ApiContext } from './context';
import { exportFileName, produceFile } from './files';

function filterOf(filter: ContractFilter): FailedPaymentsFilter {
  return {
    from: filter.from,
    to: filter.to,
    runId: filter.runId,
    search: filter.search === '' ? undefined : filter.search,
  };
}

type ReportMethods = 'reports.failedPayments' | 'reports.failedPaymentsExport';

export function reportHandlers(ctx: ApiContext): Pick<ContractHandlers, ReportMethods> {
  const core = () => ctx.session.require();
  return {
    'reports.failedPayments': ({ filter, limit, offset }) =>
      failedPayments(core().db, filterOf(filter), { limit, offset }),
    'reports.failedPaymentsExport': ({ filter, format }) => {
      const { db, profile } = core();
      const query = filterOf(filter);
      const count = failedPaymentsTotals(db, query).failedTries;
      return produceFile(
        ctx,
        profile.name,
        exportFileName('mshahara-failed-payments', format),
        format,
        async (path) => {
          await exportFailedPayments(db, path, { format, filter: query });
          return count;
        },
      );
    },
  };
}
