// The `{"Result": {...}}` document shared by B2C, Account Balance, Transaction Status and Reversal
// results (REFERENCE §2.4–§5): the header, ResultParameters as a key → value map, ReferenceData.
import { z } from 'zod';
import type { ParseResult, ResultHeader } from './events';
import { looseObject, normaliseKey, oneOrMany, optionalText, requiredText, resultCode, text } from './fields';
import { fromZodError } from './outcome';

const keyValue = looseObject({ Key: text, Value: z.unknown().optional() });

const resultDocument = looseObject({
  ResultType: resultCode.optional(),
  ResultCode: resultCode,
  ResultDesc: optionalText,
  OriginatorConversationID: requiredText,
  ConversationID: requiredText,
  TransactionID: optionalText,
  ResultParameters: looseObject({ ResultParameter: oneOrMany(keyValue).nullish() }).nullish(),
  ReferenceData: looseObject({ ReferenceItem: oneOrMany(keyValue).nullish() }).nullish(),
});

const envelope = looseObject({ Result: resultDocument });

export interface ParsedResult {
  header: ResultHeader;
  /** ResultParameters by Key as Daraja spelled it; items without a Value are left out. */
  parameters: Record<string, unknown>;
}

export const parametersPath = ['Result', 'ResultParameters'] as const;

// Daraja's request field is spelled "Occassion" in places; results echo it back either way.
const referenceAliases: Record<string, string> = { occassion: 'Occasion', occasion: 'Occasion' };

export function parseResultEnvelope(body: unknown): { ok: true; result: ParsedResult } | (ParseResult & { ok: false }) {
  const parsed = envelope.safeParse(body);
  if (!parsed.success) return fromZodError(parsed.error);
  const document = parsed.data.Result;
  const parameters: Record<string, unknown> = {};
  for (const item of document.ResultParameters?.ResultParameter ?? []) {
    if (item.Value === undefined || item.Value === null) continue;
    if (!(item.Key in parameters)) parameters[item.Key] = item.Value;
  }
  const reference: Record<string, string | null> = {};
  for (const item of document.ReferenceData?.ReferenceItem ?? []) {
    const key = referenceAliases[normaliseKey(item.Key)] ?? item.Key;
    const value = item.Value;
    reference[key] =
      value === undefined || value === null ? null : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return {
    ok: true,
    result: {
      header: {
        resultType: document.ResultType ?? null,
        resultCode: document.ResultCode,
        resultDesc: document.ResultDesc ?? '',
        originatorConversationId: document.OriginatorConversationID,
        conversationId: document.ConversationID,
        transactionId: document.TransactionID,
        reference,
      },
      parameters,
    },
  };
}

export type ResultFamily = 'b2c-result' | 'balance-result' | 'status-result' | 'reversal-result';

// Parameter keys only one family sends (normalised: no spaces, lower case).
const familyMarkers: Record<ResultFamily, readonly string[]> = {
  'b2c-result': [
    'transactionreceipt',
    'transactionamount',
    'receiverpartypublicname',
    'transactioncompleteddatetime',
    'b2crecipientisregisteredcustomer',
    'b2cutilityaccountavailablefunds',
  ],
  'balance-result': ['accountbalance', 'bocompletedtime'],
  'status-result': [
    'receiptno',
    'transactionstatus',
    'finalisedtime',
    'initiatedtime',
    'debitpartycharges',
    'reasontype',
  ],
  'reversal-result': ['originaltransactionid', 'debitaccountbalance', 'transcompletedtime'],
};

// Safaricom's own queue-timeout URL in ReferenceData names the family when parameters are absent.
const referenceMarkers: Record<string, ResultFamily> = {
  b2cresults: 'b2c-result',
  abresults: 'balance-result',
  reversalresults: 'reversal-result',
};

/** The family its ResultParameters prove, or null when there are none or none is telling. */
export function familyFromParameters(result: ParsedResult): ResultFamily | null {
  const keys = new Set(Object.keys(result.parameters).map(normaliseKey));
  for (const [family, markers] of Object.entries(familyMarkers) as [ResultFamily, readonly string[]][]) {
    if (markers.some((marker) => keys.has(marker))) return family;
  }
  return null;
}

/** Which family a Result belongs to, from its shape; null when nothing in it says. */
export function recogniseResultFamily(result: ParsedResult): ResultFamily | null {
  const fromParameters = familyFromParameters(result);
  if (fromParameters !== null) return fromParameters;
  for (const value of Object.values(result.header.reference)) {
    if (value === null) continue;
    for (const [marker, family] of Object.entries(referenceMarkers)) {
      if (value.toLowerCase().includes(`/${marker}/`)) return family;
    }
  }
  if (/^R\d+$/.test(result.header.resultCode)) return 'reversal-result';
  return null;
}

/** Parses the ResultParameters map with a family's schema; errors name "Result.ResultParameters.<Key>". */
export function parseParameters<Schema extends z.ZodType>(
  schema: Schema,
  parameters: Record<string, unknown>,
): { ok: true; values: z.output<Schema> } | (ParseResult & { ok: false }) {
  const parsed = schema.safeParse(parameters);
  return parsed.success ? { ok: true, values: parsed.data } : fromZodError(parsed.error, parametersPath);
}
