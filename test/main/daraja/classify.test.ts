import { describe, expect, it } from 'vitest';
import { DarajaError } from '../../../src/shared/errors';
import { classifyFailure } from '../../../src/main/daraja/classify';
import type { HttpResult } from '../../../src/main/daraja/http';

const answer = (status: number, json: unknown): HttpResult => ({
  kind: 'response',
  status,
  text: JSON.stringify(json),
  json,
});
const envelope = (errorCode: string, errorMessage: string) => ({
  requestId: '1459-15094918-1',
  errorCode,
  errorMessage,
});

describe('classifying what came back from Daraja', () => {
  it('calls a connect failure transient even for a payment: nothing was sent', () => {
    const refused: HttpResult = {
      kind: 'failure',
      sent: false,
      errorCode: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED',
    };
    const { outcome } = classifyFailure(refused, true);
    expect(outcome.kind).toBe('transient');
    expect(outcome.error).toBeInstanceOf(DarajaError);
    expect(outcome.error.action).toBe('retry');
  });

  it('calls a failure after sending unknown for a payment and transient for a query', () => {
    const lost: HttpResult = { kind: 'failure', sent: true, errorCode: 'UND_ERR_SOCKET', message: 'other side closed' };
    expect(classifyFailure(lost, true).outcome).toMatchObject({ kind: 'unknown', error: { action: 'check_status' } });
    expect(classifyFailure(lost, false).outcome.kind).toBe('transient');
  });

  it('calls an internal server error unknown for a payment: M-Pesa may have paid', () => {
    const internal = answer(500, envelope('500.003.1001', 'Internal Server Error'));
    expect(classifyFailure(internal, true).outcome.kind).toBe('unknown');
    expect(classifyFailure(internal, false).outcome.kind).toBe('transient');
    expect(classifyFailure(answer(502, '<html>Bad gateway</html>'), true).outcome.kind).toBe('unknown');
    expect(classifyFailure(answer(503, undefined), false).outcome.kind).toBe('transient');
  });

  it('trusts the answers that say nothing was processed, even for a payment', () => {
    expect(
      classifyFailure(answer(500, envelope('500.003.02', 'Error Occurred: Spike Arrest Violation')), true).outcome.kind,
    ).toBe('throttled');
    expect(
      classifyFailure(answer(500, envelope('500.003.03', 'Error Occurred: Quota Violation')), true).outcome.kind,
    ).toBe('throttled');
    expect(
      classifyFailure(
        answer(503, envelope('00.002.1001', 'Service is currently under maintenance. Please try again later')),
        true,
      ).outcome.kind,
    ).toBe('transient');
    expect(classifyFailure(answer(429, undefined), true).outcome.kind).toBe('throttled');
  });

  it('has its own class for a duplicate OriginatorConversationID', () => {
    const { outcome } = classifyFailure(
      answer(500, envelope('500.002.1001', 'Duplicate OriginatorConversationID.')),
      true,
    );
    expect(outcome.kind).toBe('duplicate');
    expect(outcome.error.code).toBe('500.002.1001');
  });

  it('names the refused field and never echoes a token from the answer', () => {
    const invalid = classifyFailure(answer(400, envelope('400.002.02', 'Bad Request - Invalid Amount')), true);
    expect(invalid.outcome.kind).toBe('definitive');
    expect(invalid.outcome.error.message).toContain('(Amount)');
    const token = classifyFailure(
      answer(401, envelope('401.002.01', 'Error Occurred - Invalid Access Token - c9SQxWWhmdVRlyh0zh8gZDTkubVF')),
      true,
    );
    expect(token.tokenRejected).toBe(true);
    expect(token.outcome.error.message).not.toContain('c9SQxWWhmdVRlyh0zh8gZDTkubVF');
    expect(JSON.stringify(token.outcome.error.toJSON())).not.toContain('c9SQxWWhmdVRlyh0zh8gZDTkubVF');
  });

  it('treats an unreadable success as unknown for a payment', () => {
    expect(classifyFailure(answer(200, { surprise: true }), true).outcome.kind).toBe('unknown');
    expect(classifyFailure(answer(200, { surprise: true }), false).outcome.kind).toBe('transient');
    expect(
      classifyFailure(answer(404, { fault: { faultstring: 'Invalid API call as no apiproduct match found' } }), true)
        .outcome.error.code,
    ).toBe('no_api_product');
  });
});
