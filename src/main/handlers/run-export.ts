// Exports one run's results (per worker: amount, reference, state, time paid, receipt, registered
// name, charge, failure reason) as CSV or XLSX, with the rows its file left out on their own sheet.
import type { ProducedFile } from '../../shared/contract';
import { exportRunResults as writeRunResults } from '../ledger/export';
import { runSummary } from '../payroll/run-summary';
import type { ApiContext, ProfileCore } from './context';
import { exportFileName, produceFile } from './files';
import { leftOutOf } from './left-out-rows';

export async function exportRunResults(
  ctx: ApiContext,
  core: ProfileCore,
  runId: number,
  format: 'csv' | 'xlsx',
): Promise<ProducedFile> {
  const summary = runSummary(core.db, runId);
  return produceFile(ctx, core.profile.name, exportFileName(`mshahara-run-${runId}`, format), format, async (path) => {
    await writeRunResults(core.db, runId, path, format, leftOutOf(core, runId));
    return summary.totals.count;
  });
}
