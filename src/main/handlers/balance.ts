// Asking M-Pesa for the float (Account Balance). The answer is a callback; the engine turns it into
// balance snapshots. Used by the dashboard's refresh and by the connection test.
import type { DarajaError } from '../../shared/errors';
import { inboxRow, type InboxRow } from '../callback-sources/inbox/entries';
import { askAccountBalance } from '../payroll/engine/balance-query';
import type { ProfileCore } from './context';

export type BalanceQuery =
  | { kind: 'answered'; row: InboxRow }
  | { kind: 'no_answer' }
  | { kind: 'refused'; error: DarajaError; tokenFailed: boolean };

// M-Pesa codes that mean the app's consumer key and secret (its login) were refused.
const loginCodes = new Set(['400.008.01', '400.008.02', '400.003.01', '401.002.01', '404.001.03']);

export async function queryBalance(core: ProfileCore, remarks: string, timeoutMs: number): Promise<BalanceQuery> {
  const answer = await askAccountBalance(core, { remarks, waitMs: timeoutMs });
  if (answer.kind === 'refused')
    return { kind: 'refused', error: answer.error, tokenFailed: loginCodes.has(answer.error.code ?? '') };
  if (answer.kind === 'no_answer') return { kind: 'no_answer' };
  const row = inboxRow(core.db, answer.inboxId);
  return row === undefined ? { kind: 'no_answer' } : { kind: 'answered', row };
}
