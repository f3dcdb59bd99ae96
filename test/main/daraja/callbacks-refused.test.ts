import { describe, expect, it } from 'vitest';
import { maxCallbackBytes, parseCallback, type CallbackKind } from '../../../src/main/daraja/callbacks';
import { errorOf, eventOf, sample, variant } from './callback-fixtures';

describe('refused bodies: a clear reason, never a throw', () => {
  it('invalid JSON', () => {
    expect(errorOf(parseCallback('{"Result": {', 'b2c-result')).reason).toMatch(/^The callback body is not valid JSON/);
  });

  it('not an object', () => {
    expect(errorOf(parseCallback('[1,2]')).reason).toContain('must be a JSON object');
    expect(errorOf(parseCallback('null', 'stk')).reason).toContain('must be a JSON object');
  });

  it('invalid UTF-8 bytes', () => {
    expect(errorOf(parseCallback(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).reason).toContain('not UTF-8');
  });

  it('a missing required field names its path', () => {
    const body = JSON.parse(sample('b2c-result-success')) as { Result: Record<string, unknown> };
    delete body.Result['ConversationID'];
    const error = errorOf(parseCallback(JSON.stringify(body), 'b2c-result'));
    expect(error.path).toBe('Result.ConversationID');
    expect(error.reason).toBe('Result.ConversationID is missing');
  });

  it('a wrong type names its path and what was expected', () => {
    const body = JSON.parse(sample('stk-callback-success')) as { Body: { stkCallback: Record<string, unknown> } };
    body.Body.stkCallback['ResultCode'] = { code: 0 };
    const error = errorOf(parseCallback(JSON.stringify(body)));
    expect(error.path).toBe('Body.stkCallback.ResultCode');
    expect(error.reason).toContain('must be text or a number');
  });

  it('an amount that is not an amount names the parameter key', () => {
    const body = sample('b2c-result-success').replace('"Value": 10\n', '"Value": "ten"\n');
    const error = errorOf(parseCallback(body, 'b2c-result'));
    expect(error.path).toBe('Result.ResultParameters.TransactionAmount');
    expect(error.reason).toContain('"ten"');
  });

  it('a timestamp that is not a time names the parameter key', () => {
    const body = sample('b2c-result-success').replace('06.07.2024 22:48:52', '31.02.2024 22:48:52');
    expect(errorOf(parseCallback(body)).path).toBe('Result.ResultParameters.TransactionCompletedDateTime');
  });

  it('a malformed balance account names the account', () => {
    const body = sample('balance-result').replace('Float Account|KES|0.00|0.00|0.00|0.00', 'Float Account|KES');
    const error = errorOf(parseCallback(body));
    expect(error.path).toBe('Result.ResultParameters.AccountBalance[1]');
    expect(error.reason).toContain('3 to 6');
    const badAmount = sample('balance-result').replace('Utility Account|KES|228037.00', 'Utility Account|KES|lots');
    expect(errorOf(parseCallback(badAmount)).path).toBe('Result.ResultParameters.AccountBalance[2].current');
  });

  it('C2B without TransAmount or with an empty TransID', () => {
    const body = JSON.parse(sample('c2b-confirmation')) as Record<string, unknown>;
    expect(errorOf(parseCallback(JSON.stringify({ ...body, TransID: '' }), 'c2b-confirmation')).path).toBe('TransID');
    delete body['TransAmount'];
    expect(errorOf(parseCallback(JSON.stringify(body), 'c2b-validation')).reason).toBe('TransAmount is missing');
  });

  it('a queue timeout with no id at all', () => {
    expect(errorOf(parseCallback('{"Result":{"ResultCode":1}}', 'timeout')).reason).toContain('cannot be matched');
  });

  it('a body over 1 MiB is refused before JSON parsing, counting bytes not characters', () => {
    const notJson = `{${'x'.repeat(maxCallbackBytes)}`;
    expect(errorOf(parseCallback(notJson, 'b2c-result')).reason).toContain('the limit is 1048576 (1 MiB)');
    const multiByte = `{"Result":{"ResultDesc":"${'é'.repeat(maxCallbackBytes / 2 + 1)}"}}`;
    expect(multiByte.length).toBeLessThan(maxCallbackBytes);
    expect(errorOf(parseCallback(multiByte)).reason).toContain('1 MiB');
    expect(errorOf(parseCallback(new Uint8Array(maxCallbackBytes + 1))).reason).toContain('1 MiB');
  });

  it('a body of exactly 1 MiB is still read', () => {
    const success = sample('b2c-result-success');
    const padded = success + ' '.repeat(maxCallbackBytes - Buffer.byteLength(success));
    expect(Buffer.byteLength(padded)).toBe(maxCallbackBytes);
    expect(eventOf(parseCallback(padded), 'b2c-result').receipt).toBe('SG632NMUAB');
  });

  it('a Result whose parameters belong to another family is refused on the wrong URL', () => {
    const error = errorOf(parseCallback(sample('balance-result'), 'b2c-result'));
    expect(error.reason).toContain('balance-result');
    expect(error.path).toBe('Result.ResultParameters');
  });

  it('a bare Result without anything telling its family needs the URL kind', () => {
    const body = '{"Result":{"ResultCode":17,"OriginatorConversationID":"o","ConversationID":"c"}}';
    expect(errorOf(parseCallback(body)).reason).toContain('callback kind');
    expect(eventOf(parseCallback(body, 'status-result'), 'status-result').resultCode).toBe('17');
  });

  it('an unknown shape or an unknown kind', () => {
    expect(errorOf(parseCallback('{"hello":"world"}')).reason).toContain('not a Daraja callback');
    expect(errorOf(parseCallback('{}', 'b2b-result' as CallbackKind)).reason).toContain('Unknown callback kind');
  });

  it('never throws when any field of any sample is replaced by a value of another type', () => {
    const replacements: unknown[] = [null, {}, 'x', -1, 1e300, [{}]];
    const cases: [string, CallbackKind | undefined][] = [
      [sample('b2c-result-success'), 'b2c-result'],
      [sample('balance-result'), undefined],
      [sample('status-result'), 'status-result'],
      [sample('reversal-result'), 'reversal-result'],
      [sample('stk-callback-success'), 'stk'],
      [sample('c2b-confirmation'), 'c2b-confirmation'],
      [variant('queue-timeout'), 'timeout'],
    ];
    let parsed = 0;
    for (const [text, kind] of cases) {
      const original = JSON.parse(text) as unknown;
      for (const path of leafPaths(original)) {
        for (const replacement of replacements) {
          const mutated = structuredClone(original);
          setAt(mutated, path, replacement);
          const result = parseCallback(JSON.stringify(mutated), kind);
          expect(typeof result.ok).toBe('boolean');
          // The catch-all's "could not be parsed" would mean a schema let a bad value reach code that broke.
          if (!result.ok) expect(result.error.reason).not.toContain('could not be parsed');
          parsed += 1;
        }
      }
    }
    expect(parsed).toBeGreaterThan(500);
  });
});

function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((item, index) => leafPaths(item, [...prefix, index]))];
  if (typeof value === 'object' && value !== null) {
    return [prefix, ...Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...prefix, key]))];
  }
  return [prefix];
}

function setAt(root: unknown, path: (string | number)[], replacement: unknown): void {
  if (path.length === 0) return;
  let target = root as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) target = target[segment] as Record<string | number, unknown>;
  target[path[path.length - 1] as string | number] = replacement;
}
