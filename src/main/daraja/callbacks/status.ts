// Transaction Status results (REFERENCE §4): the state of a queried transaction, told by its receipt
// and its own conversation ids. Keys arrive with or without spaces ("Originator Conversation ID").
import { parseKes, type Cents } from '../../../shared/money';
import type { ParseResult, StatusResultEvent } from './events';
import { cents, instant, looseObject, splitParty, text } from './fields';
import { failure } from './outcome';
import { parametersPath, parseParameters, type ParsedResult } from './result-envelope';

const statusParameters = looseObject({
  ReceiptNo: text.optional(),
  TransactionStatus: text.optional(),
  Amount: cents.optional(),
  CreditPartyName: text.optional(),
  DebitPartyName: text.optional(),
  DebitAccountType: text.optional(),
  OriginatorConversationID: text.optional(),
  ConversationID: text.optional(),
  InitiatedTime: instant.optional(),
  FinalisedTime: instant.optional(),
  DebitPartyCharges: text.optional(),
  ReasonType: text.optional(),
  TransactionReason: text.optional(),
});

/** "Fee For B2C Payment|KES|22.40" → 2240 cents; several "&"-joined fees add up; "" → null. */
export function parseCharges(encoded: string): { ok: true; cents: Cents | null } | { ok: false; reason: string } {
  const fees = encoded.split('&').filter((fee) => fee.trim() !== '');
  if (fees.length === 0) return { ok: true, cents: null };
  let total = 0;
  for (const fee of fees) {
    const amount = fee.split('|').at(-1)?.trim() ?? '';
    try {
      total += parseKes(amount);
    } catch {
      return { ok: false, reason: `must be "<fee name>|KES|<amount>", got "${encoded}"` };
    }
  }
  return { ok: true, cents: total };
}

const blankToNull = (value: string | undefined): string | null => (value === undefined || value === '' ? null : value);

export function statusResultEvent(result: ParsedResult): ParseResult {
  const parsed = parseParameters(statusParameters, result.parameters);
  if (!parsed.ok) return parsed;
  const values = parsed.values;
  let debitPartyChargesCents: Cents | null = null;
  if (values.DebitPartyCharges !== undefined) {
    const charges = parseCharges(values.DebitPartyCharges);
    if (!charges.ok) {
      const path = [...parametersPath, 'DebitPartyCharges'];
      return failure(`Result.ResultParameters.DebitPartyCharges ${charges.reason}`, path);
    }
    debitPartyChargesCents = charges.cents;
  }
  const credit = values.CreditPartyName === undefined ? null : splitParty(values.CreditPartyName);
  return {
    ok: true,
    event: {
      type: 'status-result',
      ...result.header,
      receipt: blankToNull(values.ReceiptNo),
      transactionStatus: blankToNull(values.TransactionStatus),
      amountCents: values.Amount ?? null,
      creditPartyPublicName: credit?.publicName ?? null,
      creditPartyMsisdn: credit?.msisdn ?? null,
      creditPartyName: credit === null || credit.name === '' ? null : credit.name,
      debitPartyName: blankToNull(values.DebitPartyName),
      debitAccountType: blankToNull(values.DebitAccountType),
      transactionOriginatorConversationId: blankToNull(values.OriginatorConversationID),
      transactionConversationId: blankToNull(values.ConversationID),
      initiatedAt: values.InitiatedTime ?? null,
      finalisedAt: values.FinalisedTime ?? null,
      debitPartyChargesCents,
      reasonType: blankToNull(values.ReasonType),
      transactionReason: blankToNull(values.TransactionReason),
    } satisfies StatusResultEvent,
  };
}
