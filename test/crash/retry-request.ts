// Whether a payroll officer's request to send failed payments again is waiting for an approver,
// read from the profile's database between lives (read-only: no program of the test holds it).
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

/** True when someone asked for a retry of the run and it is neither approved nor set aside. */
export function hasOpenRetryRequest(file: string, runId: number): boolean {
  if (!existsSync(file)) return false;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const open = db
      .prepare('SELECT count(*) FROM retry_requests WHERE run_id = ? AND approved_at IS NULL AND set_aside_at IS NULL')
      .pluck()
      .get(runId) as number;
    return open > 0;
  } finally {
    db.close();
  }
}
