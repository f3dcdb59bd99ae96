// The one entry for Daraja callback bodies: size check, JSON, family (from the relay's URL kind or
// the shape), then the family's parser. Never throws; a bad body is {ok:false} with a reason.
import { b2cResultEvent } from './b2c';
import { balanceResultEvent } from './balance';
import { looksLikeC2b, looksLikeConfirmation, parseC2bPayment } from './c2b';
import { callbackKinds, type CallbackKind, type ParseResult } from './events';
import { failure } from './outcome';
import { familyFromParameters, parseResultEnvelope, recogniseResultFamily, type ResultFamily } from './result-envelope';
import { reversalResultEvent } from './reversal';
import { statusResultEvent } from './status';
import { stkCallbackEvent, looksLikeStk } from './stk';
import { queueTimeoutEvent } from './timeout';

export type * from './events';
export { callbackKinds } from './events';

/** Larger bodies are refused before JSON.parse; real callbacks are a few KiB (the relay caps at 64 KiB). */
export const maxCallbackBytes = 1024 * 1024;

/** Parses a callback body; `hint` is the relay URL kind it arrived on, else the family is recognised from its shape. */
export function parseCallback(body: string | Uint8Array, hint?: CallbackKind): ParseResult {
  try {
    return parse(body, hint);
  } catch (error) {
    // A parser bug must not take the inbox down; the raw body is kept elsewhere for a retry.
    return failure(`The callback could not be parsed (${error instanceof Error ? error.name : 'unexpected error'})`);
  }
}

function parse(body: string | Uint8Array, hint: CallbackKind | undefined): ParseResult {
  if (hint !== undefined && !callbackKinds.includes(hint)) return failure(`Unknown callback kind "${String(hint)}"`);
  const size = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  if (size > maxCallbackBytes)
    return failure(`The callback body is ${size} bytes; the limit is ${maxCallbackBytes} (1 MiB)`);
  let textBody: string;
  if (typeof body === 'string') {
    textBody = body;
  } else {
    try {
      textBody = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      return failure('The callback body is not UTF-8 text');
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(textBody.replace(/^\uFEFF/, ''));
  } catch (error) {
    return failure(`The callback body is not valid JSON: ${error instanceof Error ? error.message : 'parse error'}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return failure(
      `The callback body must be a JSON object, got ${Array.isArray(json) ? 'a list' : json === null ? 'null' : typeof json}`,
    );
  }
  const document = json as Record<string, unknown>;
  return hint === undefined ? parseByShape(document) : parseAs(document, hint);
}

function parseAs(document: Record<string, unknown>, kind: CallbackKind): ParseResult {
  switch (kind) {
    case 'b2c-result':
    case 'balance-result':
    case 'status-result':
    case 'reversal-result':
      return parseResult(document, kind, true);
    case 'b2c-timeout':
    case 'timeout':
      return queueTimeoutEvent(document);
    case 'stk':
      return stkCallbackEvent(document);
    case 'c2b-validation':
    case 'c2b-confirmation': {
      const payment = parseC2bPayment(document);
      return payment.ok ? { ok: true, event: { type: kind, ...payment.fields } } : payment;
    }
    default: {
      const unexpected: never = kind;
      return failure(`Unknown callback kind "${String(unexpected)}"`);
    }
  }
}

function parseByShape(document: Record<string, unknown>): ParseResult {
  if (looksLikeStk(document)) return stkCallbackEvent(document);
  if (Object.keys(document).some((key) => key.toLowerCase() === 'result')) return parseResult(document, null, false);
  if (looksLikeC2b(document)) {
    const payment = parseC2bPayment(document);
    if (!payment.ok) return payment;
    const type = looksLikeConfirmation(payment.fields) ? 'c2b-confirmation' : 'c2b-validation';
    return { ok: true, event: { type, ...payment.fields } };
  }
  return failure(
    'The body is not a Daraja callback: expected {"Result": …}, {"Body": {"stkCallback": …}} or a C2B payment',
  );
}

function parseResult(document: Record<string, unknown>, expected: ResultFamily | null, fromUrl: boolean): ParseResult {
  const envelope = parseResultEnvelope(document);
  if (!envelope.ok) return envelope;
  const { result } = envelope;
  const proven = familyFromParameters(result);
  // A body whose parameters belong to another family was posted to the wrong URL; matching it as
  // this family could settle the wrong thing, so it is refused and left for a person to look at.
  if (fromUrl && proven !== null && proven !== expected) {
    return failure(`The Result's parameters are those of a ${proven}, but it arrived as a ${String(expected)}`, [
      'Result',
      'ResultParameters',
    ]);
  }
  const family = expected ?? recogniseResultFamily(result);
  if (family === null) {
    return failure(
      'This Result has nothing that tells whether it is a B2C, balance, status or reversal result; parse it with the callback kind from its URL',
    );
  }
  switch (family) {
    case 'b2c-result':
      return b2cResultEvent(result);
    case 'balance-result':
      return balanceResultEvent(result);
    case 'status-result':
      return statusResultEvent(result);
    case 'reversal-result':
      return reversalResultEvent(result);
    default: {
      const unexpected: never = family;
      return failure(`Unknown result family "${String(unexpected)}"`);
    }
  }
}
