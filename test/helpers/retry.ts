// "Retry failed" as the product does it: the payroll officer asks (requestRetry) and an approver
// other than them approves (the engine's approveRequestedRetry). Engine tests that retry go through
// both people, so no test relies on a door where one person retries alone.
import type { ProfileDatabase } from '../../src/main/db';
import type { PayoutEngine } from '../../src/main/payroll/engine';
import { requestRetry } from '../../src/main/payroll/retry-requests';
import { ValidationError } from '../../src/shared/errors';
import { seedPeople } from './people';

/**
 * The officer asks for the run's failed payments to be sent again and the approver approves:
 * returns how many were queued again, 0 when no payment could be retried (nothing to ask for).
 */
export async function retryAsTwoPeople(
  db: ProfileDatabase,
  engine: Pick<PayoutEngine, 'approveRequestedRetry'>,
  runId: number,
): Promise<number> {
  const people = await seedPeople(db);
  try {
    requestRetry(db, runId, people.officer);
  } catch (error) {
    if (error instanceof ValidationError && error.code === 'nothing_to_retry') return 0;
    throw error;
  }
  return engine.approveRequestedRetry(runId, people.approver);
}
