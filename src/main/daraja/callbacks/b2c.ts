// B2C payment results (REFERENCE §2.4, §2.5): who was paid, how much, the receipt, and the
// organisation's balances afterwards. Failures carry only the header.
import { z } from 'zod';
import type { B2cResultEvent, ParseResult } from './events';
import { cents, instant, looseObject, splitParty, text } from './fields';
import { parseParameters, type ParsedResult } from './result-envelope';

const yesNo = text.transform((value, ctx) => {
  const answer = value.toUpperCase();
  if (answer === 'Y' || answer === 'YES' || answer === 'TRUE' || answer === '1') return true;
  if (answer === 'N' || answer === 'NO' || answer === 'FALSE' || answer === '0') return false;
  ctx.addIssue({ code: 'custom', message: `must be Y or N, got "${value}"`, input: value });
  return z.NEVER;
});

const b2cParameters = looseObject({
  TransactionAmount: cents.optional(),
  TransactionReceipt: text.optional(),
  ReceiverPartyPublicName: text.optional(),
  TransactionCompletedDateTime: instant.optional(),
  B2CUtilityAccountAvailableFunds: cents.optional(),
  B2CWorkingAccountAvailableFunds: cents.optional(),
  B2CChargesPaidAccountAvailableFunds: cents.optional(),
  B2CRecipientIsRegisteredCustomer: yesNo.optional(),
});

export function b2cResultEvent(result: ParsedResult): ParseResult {
  const parsed = parseParameters(b2cParameters, result.parameters);
  if (!parsed.ok) return parsed;
  const values = parsed.values;
  const { header } = result;
  const party = values.ReceiverPartyPublicName === undefined ? null : splitParty(values.ReceiverPartyPublicName);
  // On success TransactionID is the receipt (REFERENCE §2.4); on failure it is a placeholder.
  const receipt = values.TransactionReceipt ?? (header.resultCode === '0' ? header.transactionId : null);
  return {
    ok: true,
    event: {
      type: 'b2c-result',
      ...header,
      receipt: receipt === '' ? null : receipt,
      amountCents: values.TransactionAmount ?? null,
      receiverPartyPublicName: party?.publicName ?? null,
      receiverMsisdn: party?.msisdn ?? null,
      receiverName: party === null || party.name === '' ? null : party.name,
      completedAt: values.TransactionCompletedDateTime ?? null,
      utilityAvailableCents: values.B2CUtilityAccountAvailableFunds ?? null,
      workingAvailableCents: values.B2CWorkingAccountAvailableFunds ?? null,
      chargesPaidAvailableCents: values.B2CChargesPaidAccountAvailableFunds ?? null,
      recipientRegistered: values.B2CRecipientIsRegisteredCustomer ?? null,
    } satisfies B2cResultEvent,
  };
}
