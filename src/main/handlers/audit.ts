// Contract handlers for the audit view: the log a page at a time, its export, and a check of the
// whole keyed chain on demand (with the key the profile was opened with).
import type { AuditFilter as ContractFilter } from '../../shared/contract';
import type { ContractHandlers } from '../transports/dispatch';
import { exportAuditLog } from '../ledger/audit-export';
import { auditActors, listAuditEntries, verifyAuditLog, type AuditFilter } from '../ledger/audit-view';
import { describedActions } from '../ledger/audit-words';
import type { ApiContext } from './context';
import { exportFileName, produceFile } from './files';

function filterOf(filter: ContractFilter): AuditFilter {
  return { ...filter };
}

type AuditMethods = 'audit.list' | 'audit.export' | 'audit.verify';

export function auditHandlers(ctx: ApiContext): Pick<ContractHandlers, AuditMethods> {
  const core = () => ctx.session.require();
  return {
    'audit.list': ({ filter, limit, offset }) => {
      const { db } = core();
      const page = listAuditEntries(db, filterOf(filter), { limit, offset });
      return { ...page, actors: auditActors(db), actions: [...describedActions] };
    },
    'audit.export': ({ filter, format }) => {
      const { db, profile } = core();
      return produceFile(ctx, profile.name, exportFileName('mshahara-audit-log', format), format, (path) =>
        exportAuditLog(db, path, { format, filter: filterOf(filter) }),
      );
    },
    'audit.verify': async () => {
      const checkedAt = new Date().toISOString();
      return { ...(await verifyAuditLog(core().db)), checkedAt };
    },
  };
}
