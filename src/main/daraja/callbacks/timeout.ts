// QueueTimeOutURL posts (REFERENCE §2.7): the exact payload is unconfirmed, so any Result-shaped
// document with at least one conversation id is accepted; it is evidence of an unknown outcome.
import type { ParseResult, QueueTimeoutEvent } from './events';
import { looseObject, normaliseResultCode, optionalText } from './fields';
import { failure, fromZodError } from './outcome';

const timeoutDocument = looseObject({
  OriginatorConversationID: optionalText,
  ConversationID: optionalText,
  ResultCode: optionalText,
  ResultDesc: optionalText,
});

export function queueTimeoutEvent(body: unknown): ParseResult {
  const wrapped = typeof body === 'object' && body !== null && !Array.isArray(body) && 'Result' in body;
  const document = wrapped ? (body as { Result: unknown }).Result : body;
  const parsed = timeoutDocument.safeParse(document);
  if (!parsed.success) return fromZodError(parsed.error, wrapped ? ['Result'] : []);
  const values = parsed.data;
  if (values.OriginatorConversationID === null && values.ConversationID === null) {
    const path = wrapped ? ['Result', 'OriginatorConversationID'] : ['OriginatorConversationID'];
    return failure(
      'A queue timeout without OriginatorConversationID or ConversationID cannot be matched to a request',
      path,
    );
  }
  const resultCode = values.ResultCode === null ? null : normaliseResultCode(values.ResultCode);
  return {
    ok: true,
    event: {
      type: 'queue-timeout',
      originatorConversationId: values.OriginatorConversationID,
      conversationId: values.ConversationID,
      resultCode,
      resultDesc: values.ResultDesc,
    } satisfies QueueTimeoutEvent,
  };
}
