// Reversal results (REFERENCE §5): the reversal's own receipt, the original it undoes, the amount,
// the charge and the debited account's balance. ResultParameters may be absent altogether.
import type { AccountBalance, ParseResult, ReversalResultEvent } from './events';
import { cents, instant, looseObject, text } from './fields';
import { parseAccountBalances } from './balance';
import { parametersPath, parseParameters, type ParsedResult } from './result-envelope';

const reversalParameters = looseObject({
  DebitAccountBalance: text.optional(),
  Amount: cents.optional(),
  TransCompletedTime: instant.optional(),
  OriginalTransactionID: text.optional(),
  Charge: cents.optional(),
  CreditPartyPublicName: text.optional(),
  DebitPartyPublicName: text.optional(),
});

export function reversalResultEvent(result: ParsedResult): ParseResult {
  const parsed = parseParameters(reversalParameters, result.parameters);
  if (!parsed.ok) return parsed;
  const values = parsed.values;
  let debitAccountBalance: AccountBalance | null = null;
  if (values.DebitAccountBalance !== undefined) {
    const balances = parseAccountBalances(values.DebitAccountBalance, [...parametersPath, 'DebitAccountBalance']);
    if (!balances.ok) return balances;
    debitAccountBalance = balances.accounts[0] ?? null;
  }
  const { header } = result;
  return {
    ok: true,
    event: {
      type: 'reversal-result',
      ...header,
      receipt: header.resultCode === '0' ? header.transactionId : null,
      originalTransactionId: values.OriginalTransactionID || null,
      amountCents: values.Amount ?? null,
      chargeCents: values.Charge ?? null,
      debitAccountBalance,
      creditPartyPublicName: values.CreditPartyPublicName || null,
      debitPartyPublicName: values.DebitPartyPublicName || null,
      completedAt: values.TransCompletedTime ?? null,
    } satisfies ReversalResultEvent,
  };
}
