import { describe, expect, it } from 'vitest';
import { parseCallback } from '../../../src/main/daraja/callbacks';
import { eventOf, sample, variant } from './callback-fixtures';

describe('Daraja samples (REFERENCE §2–§7)', () => {
  it('B2C success: receipt, amount, recipient, Nairobi completion time, balances in cents', () => {
    for (const hint of [undefined, 'b2c-result'] as const) {
      const event = eventOf(parseCallback(sample('b2c-result-success'), hint), 'b2c-result');
      expect(event.resultCode).toBe('0');
      expect(event.resultType).toBe('0');
      expect(event.originatorConversationId).toBe('53e3-4aa8-9fe0-8fb5e4092cdd3533373');
      expect(event.conversationId).toBe('AG_20240706_2010364430d9bbdaf872');
      expect(event.transactionId).toBe('SG632NMUAB');
      expect(event.receipt).toBe('SG632NMUAB');
      expect(event.amountCents).toBe(1000);
      expect(event.receiverPartyPublicName).toBe('254705912645 - NICHOLAS JOHN SONGOK');
      expect(event.receiverMsisdn).toBe('254705912645');
      expect(event.receiverName).toBe('NICHOLAS JOHN SONGOK');
      expect(event.completedAt?.toISOString()).toBe('2024-07-06T19:48:52.000Z');
      expect(event.utilityAvailableCents).toBe(895926960);
      expect(event.workingAvailableCents).toBe(119937100);
      expect(event.chargesPaidAvailableCents).toBe(-198000);
      expect(event.recipientRegistered).toBe(true);
      expect(event.reference['QueueTimeoutURL']).toContain('/b2cresults/');
    }
  });

  it('B2C failure 2001: header only, no receipt (the TransactionID is a placeholder)', () => {
    const event = eventOf(parseCallback(sample('b2c-result-failure-2001'), 'b2c-result'), 'b2c-result');
    expect(event.resultCode).toBe('2001');
    expect(event.resultDesc).toBe('The initiator information is invalid.');
    expect(event.originatorConversationId).toBe('29112-34801843-1');
    expect(event.transactionId).toBe('NLJ0000000');
    expect(event.receipt).toBeNull();
    expect(event.amountCents).toBeNull();
    expect(event.completedAt).toBeNull();
    // Without a hint the family comes from Safaricom's own queue URL in ReferenceData.
    expect(eventOf(parseCallback(sample('b2c-result-failure-2001')), 'b2c-result').resultCode).toBe('2001');
  });

  it('Account Balance: five accounts with current/available/reserved/uncleared in cents', () => {
    const event = eventOf(parseCallback(sample('balance-result')), 'balance-result');
    expect(event.resultCode).toBe('0');
    expect(event.accounts.map((account) => account.name)).toEqual([
      'Working Account',
      'Float Account',
      'Utility Account',
      'Charges Paid Account',
      'Organization Settlement Account',
    ]);
    expect(event.accounts[0]).toEqual({
      name: 'Working Account',
      currency: 'KES',
      currentCents: 70000000,
      availableCents: 70000000,
      reservedCents: 0,
      unclearedCents: 0,
    });
    expect(event.accounts[2]?.availableCents).toBe(22803700);
    expect(event.accounts[3]?.currentCents).toBe(-154000);
    expect(event.completedAt?.toISOString()).toBe('2020-01-09T09:57:10.000Z');
  });

  it('Transaction Status: receipt, status, amount, parties, inner ids, times, charges', () => {
    const event = eventOf(parseCallback(sample('status-result'), 'status-result'), 'status-result');
    expect(event.receipt).toBe('MBN31H462N');
    expect(event.transactionStatus).toBe('Completed');
    expect(event.amountCents).toBe(30000);
    expect(event.creditPartyMsisdn).toBe('254708374149');
    expect(event.creditPartyName).toBe('John Doe');
    expect(event.debitPartyName).toBe('600310 - Safaricom333');
    expect(event.originatorConversationId).toBe('3213-416199-2');
    expect(event.transactionOriginatorConversationId).toBe('3211-416020-3');
    expect(event.transactionConversationId).toBe('AG_20180223_000041b09c22e613d6c9');
    expect(event.initiatedAt?.toISOString()).toBe('2018-02-23T02:41:12.000Z');
    expect(event.finalisedAt?.toISOString()).toBe('2018-02-23T02:41:12.000Z');
    expect(event.debitPartyChargesCents).toBe(2240);
    expect(event.reasonType).toBe('Business Payment to Customer via API');
    expect(event.transactionReason).toBeNull();
    expect(event.reference).toEqual({ Occasion: null });
    expect(eventOf(parseCallback(sample('status-result')), 'status-result').receipt).toBe('MBN31H462N');
  });

  it('Reversal: own receipt, original receipt, amount, charge, debited account', () => {
    const event = eventOf(parseCallback(sample('reversal-result')), 'reversal-result');
    expect(event.receipt).toBe('SKE52PAWR9');
    expect(event.originalTransactionId).toBe('SKC82PACB8');
    expect(event.amountCents).toBe(100);
    expect(event.chargeCents).toBe(0);
    expect(event.debitAccountBalance).toEqual({
      name: 'Utility Account',
      currency: 'KES',
      currentCents: 772217962,
      availableCents: 772217962,
      reservedCents: 0,
      unclearedCents: 0,
    });
    expect(event.creditPartyPublicName).toBe('254705912645 - NICHOLAS JOHN SONGOK');
    expect(event.debitPartyPublicName).toBe('600992 - Safaricom Daraja 992');
    expect(event.completedAt?.toISOString()).toBe('2021-11-14T10:27:11.000Z');
  });

  it('STK success: amount, receipt, date, phone; Balance without a Value is fine', () => {
    const event = eventOf(parseCallback(sample('stk-callback-success'), 'stk'), 'stk-callback');
    expect(event.merchantRequestId).toBe('11225-96181251-1');
    expect(event.checkoutRequestId).toBe('ws_CO_17112022155730304796440427');
    expect(event.resultCode).toBe('0');
    expect(event.amountCents).toBe(100);
    expect(event.receipt).toBe('QKH94M1Z11');
    expect(event.transactionDate?.toISOString()).toBe('2022-11-17T12:57:45.000Z');
    expect(event.phone).toBe('254796440427');
  });

  it('C2B confirmation (v2, masked number): strings become typed values', () => {
    const event = eventOf(parseCallback(sample('c2b-confirmation'), 'c2b-confirmation'), 'c2b-confirmation');
    expect(event.receipt).toBe('RKL51ZDR4F');
    expect(event.transactionType).toBe('Pay Bill');
    expect(event.transTime.toISOString()).toBe('2023-11-21T09:13:25.000Z');
    expect(event.amountCents).toBe(500);
    expect(event.businessShortCode).toBe('600966');
    expect(event.billRef).toBe('Sample Transaction');
    expect(event.invoiceNumber).toBeNull();
    expect(event.orgAccountBalanceCents).toBe(2500);
    expect(event.msisdn).toBe('2547 ***** 126');
    expect(event.msisdnKind).toBe('masked');
    expect([event.firstName, event.middleName, event.lastName]).toEqual(['NICHOLAS', null, null]);
    // Without a hint, a filled OrgAccountBalance marks a confirmation.
    expect(eventOf(parseCallback(sample('c2b-confirmation')), 'c2b-confirmation').amountCents).toBe(500);
  });
});

describe('quirk variants', () => {
  it('B2C with strings for numbers, shuffled keys, a spaced key, ReferenceItem as a list with "Occassion"', () => {
    const event = eventOf(parseCallback(variant('b2c-result-strings-and-order')), 'b2c-result');
    expect(event.resultCode).toBe('0');
    expect(event.receipt).toBe('LGH3197RIB');
    expect(event.amountCents).toBe(800000);
    expect(event.utilityAvailableCents).toBe(1011600);
    expect(event.workingAvailableCents).toBe(90000050);
    expect(event.chargesPaidAvailableCents).toBe(0);
    expect(event.recipientRegistered).toBe(false);
    expect(event.receiverMsisdn).toBe('254708374149');
    expect(event.receiverName).toBeNull();
    expect(event.completedAt?.toISOString()).toBe('2017-07-17T07:54:57.000Z');
    expect(event.reference['Occasion']).toBe('November salaries');
  });

  it('Status with 2017 spaced keys ("Conversation ID", "Originator Conversation ID") and string times', () => {
    const event = eventOf(parseCallback(variant('status-result-2017-spaced-keys'), 'status-result'), 'status-result');
    expect(event.transactionConversationId).toBe('AG_20170727_00004492b1b6d0078fbe');
    expect(event.transactionOriginatorConversationId).toBe('19455-773836-1');
    expect(event.originatorConversationId).toBe('10816-694520-2');
    expect(event.finalisedAt?.toISOString()).toBe('2017-07-27T07:14:15.000Z');
    expect(event.initiatedAt?.toISOString()).toBe('2017-07-27T07:14:15.000Z');
    expect(event.amountCents).toBe(1000);
    expect(event.debitPartyChargesCents).toBeNull();
    expect(event.reasonType).toBe('Salary Payment via API');
    expect(event.reference['Occasion']).toBe('aaaa');
  });

  it('STK failure without metadata, ResultCode as a string, "[STK_CB - ]" prefix stripped', () => {
    const event = eventOf(parseCallback(variant('stk-callback-cancelled-prefixed')), 'stk-callback');
    expect(event.resultCode).toBe('1032');
    expect(event.resultDesc).toBe('Request cancelled by user');
    expect(event.amountCents).toBeNull();
    expect(event.receipt).toBeNull();
    expect(event.phone).toBeNull();
    expect(event.transactionDate).toBeNull();
  });

  it('STK "[MpesaCB - ]" prefix is stripped too', () => {
    const body = JSON.stringify({
      Body: {
        stkCallback: {
          MerchantRequestID: 'm',
          CheckoutRequestID: 'c',
          ResultCode: 2001,
          ResultDesc: '[MpesaCB - ]The initiator information is invalid.',
        },
      },
    });
    expect(eventOf(parseCallback(body, 'stk'), 'stk-callback').resultDesc).toBe(
      'The initiator information is invalid.',
    );
  });

  it('STK success with every metadata value as a string, in another order', () => {
    const event = eventOf(parseCallback(variant('stk-callback-success-strings'), 'stk'), 'stk-callback');
    expect(event.amountCents).toBe(150000);
    expect(event.receipt).toBe('LGR7OWQX0R');
    expect(event.phone).toBe('254708374149');
    expect(event.transactionDate?.toISOString()).toBe('2017-07-27T12:48:00.000Z');
  });

  it('STK metadata Item given as a single object', () => {
    const body = JSON.stringify({
      Body: {
        stkCallback: {
          MerchantRequestID: 'm',
          CheckoutRequestID: 'c',
          ResultCode: 0,
          ResultDesc: 'ok',
          CallbackMetadata: { Item: { Name: 'Amount', Value: 250 } },
        },
      },
    });
    expect(eventOf(parseCallback(body), 'stk-callback').amountCents).toBe(25000);
  });

  it('STK phone numbers become 12-digit MSISDNs; a masked one is kept as written', () => {
    const withPhone = (phone: unknown) =>
      JSON.stringify({
        Body: {
          stkCallback: {
            MerchantRequestID: 'm',
            CheckoutRequestID: 'c',
            ResultCode: 0,
            CallbackMetadata: { Item: [{ Name: 'PhoneNumber', Value: phone }] },
          },
        },
      });
    expect(eventOf(parseCallback(withPhone('0708374149')), 'stk-callback').phone).toBe('254708374149');
    expect(eventOf(parseCallback(withPhone(254708374149)), 'stk-callback').phone).toBe('254708374149');
    expect(eventOf(parseCallback(withPhone('2547****149')), 'stk-callback').phone).toBe('2547****149');
  });

  it('balance accounts with 3, 4 and 5 fields and a trailing "&"', () => {
    const event = eventOf(parseCallback(variant('balance-result-short-accounts'), 'balance-result'), 'balance-result');
    expect(event.resultCode).toBe('0');
    expect(event.accounts).toEqual([
      {
        name: 'Working Account',
        currency: 'KES',
        currentCents: 4900000,
        availableCents: null,
        reservedCents: null,
        unclearedCents: null,
      },
      {
        name: 'Utility Account',
        currency: 'KES',
        currentCents: 120050,
        availableCents: 110050,
        reservedCents: null,
        unclearedCents: null,
      },
      {
        name: 'Charges Paid Account',
        currency: 'KES',
        currentCents: -4500,
        availableCents: -4500,
        reservedCents: 0,
        unclearedCents: null,
      },
    ]);
    expect(event.completedAt?.toISOString()).toBe('2017-07-28T06:56:42.000Z');
  });

  it('REFERENCE §3.1 worked example: current = available + reserved for the Working Account', () => {
    const event = eventOf(parseCallback(variant('balance-result-worked-example')), 'balance-result');
    expect(event.accounts).toEqual([
      {
        name: 'Working Account',
        currency: 'KES',
        currentCents: 34656883,
        availableCents: 618683,
        reservedCents: 34038200,
        unclearedCents: 0,
      },
      {
        name: 'Utility Account',
        currency: 'KES',
        currentCents: 22803700,
        availableCents: 22803700,
        reservedCents: 0,
        unclearedCents: 0,
      },
      {
        name: 'Charges Paid Account',
        currency: 'KES',
        currentCents: -154000,
        availableCents: -154000,
        reservedCents: 0,
        unclearedCents: 0,
      },
      {
        name: 'Organization Settlement Account',
        currency: 'KES',
        currentCents: 0,
        availableCents: 0,
        reservedCents: 0,
        unclearedCents: 0,
      },
    ]);
    const working = event.accounts[0];
    expect(working && (working.availableCents ?? 0) + (working.reservedCents ?? 0)).toBe(working?.currentCents);
    expect(event.completedAt?.toISOString()).toBe('2024-07-06T19:48:52.000Z');
  });

  it('reversal failure "R000002" without ResultParameters, recognised without a hint', () => {
    const event = eventOf(parseCallback(variant('reversal-result-r000002')), 'reversal-result');
    expect(event.resultCode).toBe('R000002');
    expect(event.receipt).toBeNull();
    expect(event.originalTransactionId).toBeNull();
    expect(event.amountCents).toBeNull();
    expect(event.debitAccountBalance).toBeNull();
  });

  it('C2B v1 confirmation with a hashed MSISDN', () => {
    const event = eventOf(parseCallback(variant('c2b-confirmation-v1-hashed')), 'c2b-confirmation');
    expect(event.receipt).toBe('TK60708BHZ');
    expect(event.msisdnKind).toBe('hashed');
    expect(event.msisdn).toBe('94c392c311d522da950619227b3361752a42042db7e1e699b26e628305c68a88');
    expect(event.amountCents).toBe(100);
    expect(event.orgAccountBalanceCents).toBe(4188026480);
    expect(event.invoiceNumber).toBe('ThisInvoice');
    expect(event.transTime.toISOString()).toBe('2025-11-06T20:02:12.000Z');
    expect([event.firstName, event.middleName, event.lastName]).toEqual(['NICHOLAS', 'JOHN', 'SONGOK']);
  });

  it('C2B 2017 validation: numbers where strings are expected, clear MSISDN, blank balance', () => {
    const event = eventOf(parseCallback(variant('c2b-validation-2017-plain')), 'c2b-validation');
    expect(event.msisdnKind).toBe('plain');
    expect(event.msisdn).toBe('254708374149');
    expect(event.amountCents).toBe(1000);
    expect(event.businessShortCode).toBe('600134');
    expect(event.transactionType).toBeNull();
    expect(event.orgAccountBalanceCents).toBeNull();
    expect(event.transTime.toISOString()).toBe('2017-07-27T07:42:47.000Z');
    // The URL kind decides over the shape.
    expect(
      eventOf(parseCallback(variant('c2b-validation-2017-plain'), 'c2b-confirmation'), 'c2b-confirmation').receipt,
    ).toBe('LGR219G3EY');
  });

  it('queue timeout: the ids of the request whose outcome is now unknown', () => {
    for (const kind of ['b2c-timeout', 'timeout'] as const) {
      const event = eventOf(parseCallback(variant('queue-timeout'), kind), 'queue-timeout');
      expect(event.originatorConversationId).toBe('mshahara-run-7-line-42-attempt-1');
      expect(event.conversationId).toBe('AG_20240706_2010364430d9bbdaf872');
      expect(event.resultCode).toBe('1');
    }
    const bare = eventOf(
      parseCallback('{"Result":{"OriginatorConversationID":"abc"}}', 'b2c-timeout'),
      'queue-timeout',
    );
    expect(bare).toEqual({
      type: 'queue-timeout',
      originatorConversationId: 'abc',
      conversationId: null,
      resultCode: null,
      resultDesc: null,
    });
  });

  it('accepts bytes as well as text, with a byte-order mark', () => {
    const bytes = new TextEncoder().encode(`\uFEFF${sample('b2c-result-success')}`);
    expect(eventOf(parseCallback(bytes, 'b2c-result'), 'b2c-result').amountCents).toBe(1000);
  });

  it('ResultCode "00000000" and 0 compare equal after normalising', () => {
    const body = (code: unknown) =>
      JSON.stringify({ Result: { ResultCode: code, OriginatorConversationID: 'o', ConversationID: 'c' } });
    expect(eventOf(parseCallback(body('00000000'), 'b2c-result'), 'b2c-result').resultCode).toBe('0');
    expect(eventOf(parseCallback(body(17), 'b2c-result'), 'b2c-result').resultCode).toBe('17');
    expect(eventOf(parseCallback(body('SFC_IC0003'), 'b2c-result'), 'b2c-result').resultCode).toBe('SFC_IC0003');
  });
});
