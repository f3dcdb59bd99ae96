// Opening sealed relay events: the callback comes back exactly; altered, foreign-key and
// non-callback envelopes are refused with a reason and never half-read.
import { describe, expect, it } from 'vitest';
import { generateChannelKeyPair, seal } from '../../../../src/relay-server/sealing';
import { openEvent } from '../../../../src/main/callback-sources/relay-client/open-event';

const keys = generateChannelKeyPair();
const body = JSON.stringify({ Result: { ResultType: 0, ResultCode: 0, ConversationID: 'AG_20260101_1' } });
const record = {
  kind: 'b2c-result',
  receivedAt: '2026-11-21T09:15:02.123Z',
  sourceIp: '196.201.214.200',
  headers: { 'content-type': 'application/json' },
  body,
};

describe('openEvent', () => {
  it('gives back the callback exactly as the relay received it', () => {
    const opened = openEvent(
      { id: 'ev-1', cursor: '1', sealed: seal(keys.publicKeyPem, JSON.stringify(record)) },
      keys.privateKeyPem,
      'acme',
    );
    expect(opened).toEqual({
      ok: true,
      callback: {
        eventId: 'ev-1',
        kind: 'b2c-result',
        receivedAt: new Date('2026-11-21T09:15:02.123Z'),
        source: 'relay:acme',
        sourceIp: '196.201.214.200',
        headers: { 'content-type': 'application/json' },
        body,
      },
    });
  });

  it("opens a C2B validation with or without the relay's decision inside", () => {
    const validation = { ...record, kind: 'c2b-validation', body: '{"TransID":"TK1","TransAmount":"5.00"}' };
    const decided = {
      ...validation,
      validation: { resultCode: 'C2B00013', reason: 'TransAmount KES 5.00 is below the minimum of KES 10' },
    };
    const notes = [validation, decided].map((plaintext) => {
      const opened = openEvent(
        { id: 'ev-7', cursor: '7', sealed: seal(keys.publicKeyPem, JSON.stringify(plaintext)) },
        keys.privateKeyPem,
        'acme',
      );
      expect(opened).toMatchObject({
        ok: true,
        callback: { eventId: 'ev-7', kind: 'c2b-validation', body: validation.body },
      });
      return opened.ok ? opened.callback.note : 'not opened';
    });
    // The relay's answer travels on as the inbox entry's reason; none when it gave none.
    expect(notes).toEqual([
      undefined,
      'The relay refused this payment with C2B00013: TransAmount KES 5.00 is below the minimum of KES 10',
    ]);
  });

  it('refuses an envelope altered on the relay (one ciphertext byte flipped)', () => {
    const sealed = seal(keys.publicKeyPem, JSON.stringify(record));
    const ct = Buffer.from(sealed.ct, 'base64');
    ct[5] = (ct[5] ?? 0) ^ 0x01;
    const opened = openEvent(
      { id: 'ev-2', cursor: '2', sealed: { ...sealed, ct: ct.toString('base64') } },
      keys.privateKeyPem,
      'acme',
    );
    expect(opened).toEqual({ ok: false, eventId: 'ev-2', reason: expect.stringMatching(/authentication failed/) });
  });

  it('refuses an envelope sealed to another channel key', () => {
    const other = generateChannelKeyPair();
    const opened = openEvent(
      { id: 'ev-3', cursor: '3', sealed: seal(other.publicKeyPem, JSON.stringify(record)) },
      keys.privateKeyPem,
      'acme',
    );
    expect(opened.ok).toBe(false);
  });

  it('refuses something that is not an envelope at all', () => {
    expect(openEvent({ id: 'ev-4', cursor: '4', sealed: 'hello' }, keys.privateKeyPem, 'acme').ok).toBe(false);
    expect(openEvent({ id: 'ev-5', cursor: '5', sealed: null }, keys.privateKeyPem, 'acme').ok).toBe(false);
  });

  it('refuses a record whose kind is not a Mshahara callback kind, naming the field', () => {
    const sealed = seal(keys.publicKeyPem, JSON.stringify({ ...record, kind: 'b2b-result' }));
    expect(openEvent({ id: 'ev-6', cursor: '6', sealed }, keys.privateKeyPem, 'acme')).toEqual({
      ok: false,
      eventId: 'ev-6',
      reason: expect.stringContaining('kind'),
    });
  });
});
