// Exports one run's results (per worker: amount, state, receipt, registered name, failure reason)
// as CSV or XLSX, through the ledger's streamed writers.
import type { ProducedFile } from '../../shared/contract';
import { exportRunResults as writeRunResults } from '../ledger/export';
import { runSummary } from '../payroll/runs';
import type { ApiContext, ProfileCore } from './context';
import { exportFileName, produceFile } from './files';

export async function exportRunResults(ctx: ApiContext, core: ProfileCore, runId: number, format: 'csv' | 'xlsx'): Promise<ProducedFile> {
  const summary = runSummary(core.db, runId);
  return produceFile(ctx, core.profile.name, exportFileName(`mshahara-run-${runId}`, format), format, async (path) => {
    await writeRunResults(core.db, runId, path, format);
    return summary.totals.count;
  });
}
