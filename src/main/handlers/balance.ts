// Asking M-Pesa for the float (Account Balance). The answer is a callback; the engine turns it into
// balance snapshots. Used by the dashboard's refresh and by the connection test.
import type { DarajaError } from '../../shared/errors';
import type { InboxRow } from '../callback-sources/inbox/entries';
import { listenForAnswers } from '../callback-sources/inbox/wait';
import type { ProfileCore } from './context';

export type BalanceQuery =
  | { kind: 'answered'; row: InboxRow }
  | { kind: 'no_answer' }
  | { kind: 'refused'; error: DarajaError; tokenFailed: boolean };

// M-Pesa codes that mean the app's consumer key and secret (its login) were refused.
const loginCodes = new Set(['400.008.01', '400.008.02', '400.003.01', '401.002.01', '404.001.03']);

export async function queryBalance(core: ProfileCore, remarks: string, timeoutMs: number): Promise<BalanceQuery> {
  const wait = listenForAnswers(core);
  const outcome = await core.client.accountBalance({
    remarks,
    resultUrl: core.source.callbackUrl('balance-result'),
    queueTimeoutUrl: core.source.callbackUrl('timeout'),
  });
  if (outcome.kind !== 'accepted') {
    wait.cancel();
    return { kind: 'refused', error: outcome.error, tokenFailed: loginCodes.has(outcome.error.code ?? '') };
  }
  const row = await wait.answerFor(outcome.value.conversationId, timeoutMs);
  return row === null ? { kind: 'no_answer' } : { kind: 'answered', row };
}
