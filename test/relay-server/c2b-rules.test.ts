// C2B validation rules on a real relay: each rule refuses with its Daraja code and accepts at its
// boundary, every validation is stored sealed with the decision, confirmations are never refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { parseC2bRules, type C2bRules } from '../../src/relay-server/c2b-rules';
import { setChannelRules } from '../../src/relay-server/channels';
import {
  openEvent,
  post,
  pull,
  startTestRelay,
  stopTestPostgres,
  storedCount,
  storeKinds,
  writeRawRules,
  type TestChannel,
  type TestRelay,
} from './helpers';

const confirmation = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/daraja/c2b-confirmation.json'), 'utf8'),
) as Record<string, string>;

/** A validation document as Daraja posts it (blank balance: nothing has moved yet), TransID unique per call. */
let paymentNumber = 0;
function payment(fields: Record<string, string> = {}): string {
  paymentNumber += 1;
  return JSON.stringify({
    ...confirmation,
    OrgAccountBalance: '',
    TransID: `TK${String(paymentNumber).padStart(8, '0')}`,
    ...fields,
  });
}

// REFERENCE §7.3: a validation is accepted with the code as a string.
const accepted = { ResultCode: '0', ResultDesc: 'Accepted' };
const rejected = (code: string) => ({ ResultCode: code, ResultDesc: 'Rejected' });

afterAll(stopTestPostgres);

describe.each(storeKinds)('the relay on the %s store', (kind) => {
  describe('C2B validation rules', () => {
    let t: TestRelay;
    beforeAll(async () => {
      t = await startTestRelay({ storeKind: kind });
    });
    afterAll(() => t.stop());

    async function channelWith(name: string, rules: C2bRules | null): Promise<TestChannel> {
      const channel = await t.channel(name);
      if (rules) await setChannelRules(t.relay.store, name, rules);
      return channel;
    }

    async function answer(channel: TestChannel, body: string, kind = 'c2b-validation'): Promise<unknown> {
      const res = await post(`${channel.callbackBaseUrl}/${kind}`, body);
      expect(res.status).toBe(200);
      return res.json;
    }

    it('without rules accepts every validation, a body that is not a C2B document included', async () => {
      const open = await channelWith('open', null);
      expect(
        await answer(open, payment({ BusinessShortCode: '999999', TransAmount: '1.00', BillRefNumber: 'anything' })),
      ).toEqual(accepted);
      expect(await answer(open, '{"hello":1}')).toEqual(accepted);
      const page = await pull(t.relay.url, open.pullToken);
      expect(page.events.map((e) => openEvent(open, e).validation)).toEqual([
        { resultCode: '0', reason: 'accepted: no C2B rules for this channel' },
        { resultCode: '0', reason: 'accepted: no C2B rules for this channel' },
      ]);
    });

    it('shortcodes: refuses another BusinessShortCode with C2B00015 and accepts each listed one', async () => {
      const shop = await channelWith('shortcodes', { shortcodes: ['600984', '600985'] });
      expect(await answer(shop, payment({ BusinessShortCode: '600986' }))).toEqual(rejected('C2B00015'));
      expect(await answer(shop, payment({ BusinessShortCode: '600984' }))).toEqual(accepted);
      expect(await answer(shop, payment({ BusinessShortCode: '600985' }))).toEqual(accepted);
    });

    it('accountPattern: BillRefNumber must match the whole pattern, else C2B00012', async () => {
      const shop = await channelWith('accounts', { accountPattern: 'AC\\d{3}|EMP-\\d+' });
      expect(await answer(shop, payment({ BillRefNumber: 'AC123' }))).toEqual(accepted);
      expect(await answer(shop, payment({ BillRefNumber: 'EMP-7' }))).toEqual(accepted);
      // A match inside the account number is not enough, on either side of either alternative.
      for (const ref of ['AC1234', 'XAC123', 'EMP-7x', 'xEMP-7', 'ac123', '']) {
        expect(await answer(shop, payment({ BillRefNumber: ref })), ref).toEqual(rejected('C2B00012'));
      }
      // Longer than Daraja ever sends: refused without running the pattern.
      expect(await answer(shop, payment({ BillRefNumber: `EMP-${'1'.repeat(16)}` }))).toEqual(accepted);
      expect(await answer(shop, payment({ BillRefNumber: `EMP-${'1'.repeat(17)}` }))).toEqual(rejected('C2B00012'));
    });

    it('minAmount and maxAmount: TransAmount outside refused with C2B00013, both limits themselves accepted', async () => {
      const shop = await channelWith('amounts', { minAmount: 10, maxAmount: 70_000 });
      expect(await answer(shop, payment({ TransAmount: '10.00' }))).toEqual(accepted);
      expect(await answer(shop, payment({ TransAmount: '70000.00' }))).toEqual(accepted);
      expect(await answer(shop, payment({ TransAmount: '9.99' }))).toEqual(rejected('C2B00013'));
      expect(await answer(shop, payment({ TransAmount: '70000.01' }))).toEqual(rejected('C2B00013'));
      const metrics = await (await request(`${t.relay.url}/metrics`)).body.text();
      expect(metrics).toContain('relay_c2b_validations_total{result="C2B00013"} 2');
    });

    it('a refused validation is still stored: the desktop opens the body and the decision', async () => {
      const shop = await channelWith('stored', { shortcodes: ['600984'], minAmount: 100 });
      const body = payment({ BusinessShortCode: '600984', TransAmount: '99.00' });
      expect(await answer(shop, body)).toEqual(rejected('C2B00013'));
      expect(await storedCount(t.relay, 'stored')).toBe(1);
      const [event] = (await pull(t.relay.url, shop.pullToken)).events;
      const opened = openEvent(shop, event!);
      expect(opened.kind).toBe('c2b-validation');
      expect(opened.body).toBe(body);
      expect(opened.validation).toEqual({
        resultCode: 'C2B00013',
        reason: 'TransAmount KES 99.00 is below the minimum of KES 100',
      });
    });

    it('with rules, a validation that is not a C2B payment document is refused with C2B00016 and stored', async () => {
      const shop = await channelWith('documents', { maxAmount: 1000 });
      expect(await answer(shop, JSON.stringify({ TransID: 'TK1', BusinessShortCode: '600984' }))).toEqual(
        rejected('C2B00016'),
      );
      expect(await answer(shop, JSON.stringify({ ...JSON.parse(payment()), TransAmount: 'five' }))).toEqual(
        rejected('C2B00016'),
      );
      expect(await answer(shop, '[1,2]')).toEqual(rejected('C2B00016'));
      const decisions = (await pull(t.relay.url, shop.pullToken)).events.map((e) => openEvent(shop, e).validation);
      expect(decisions).toEqual([
        { resultCode: 'C2B00016', reason: 'not a C2B payment document: TransAmount missing or unreadable' },
        { resultCode: 'C2B00016', reason: 'not a C2B payment document: TransAmount missing or unreadable' },
        { resultCode: 'C2B00016', reason: 'not a C2B payment document: not a JSON object' },
      ]);
    });

    it('never refuses a confirmation: the money has moved; it carries no decision', async () => {
      const shop = await channelWith('confirmations', {
        shortcodes: ['600984'],
        accountPattern: 'AC\\d{3}',
        minAmount: 100,
        maxAmount: 200,
      });
      const refusedAsValidation = payment({ BusinessShortCode: '600999', BillRefNumber: 'nope', TransAmount: '5.00' });
      expect(await answer(shop, refusedAsValidation)).toEqual(rejected('C2B00015'));
      // Every other callback gets Daraja's plain acknowledgement.
      const acknowledged = { ResultCode: 0, ResultDesc: 'Accepted' };
      expect(await answer(shop, refusedAsValidation, 'c2b-confirmation')).toEqual(acknowledged);
      expect(await answer(shop, '{"hello":1}', 'c2b-confirmation')).toEqual(acknowledged);
      const events = (await pull(t.relay.url, shop.pullToken)).events.map((e) => openEvent(shop, e));
      expect(events.map((e) => [e.kind, e.validation?.resultCode])).toEqual([
        ['c2b-validation', 'C2B00015'],
        ['c2b-confirmation', undefined],
        ['c2b-confirmation', undefined],
      ]);
    });

    it('matches account patterns in linear time: a customer cannot stall the relay with the account number', async () => {
      // Catastrophic for a backtracking engine (about 100 s for 20 characters); RE2 answers at once.
      const shop = await channelWith('nested', { accountPattern: '((a*)*)*b' });
      expect(await answer(shop, payment({ BillRefNumber: 'a'.repeat(20) }))).toEqual(rejected('C2B00012'));
      expect(await answer(shop, payment({ BillRefNumber: 'aaab' }))).toEqual(accepted);
      // Features only a backtracking engine has are refused when set.
      expect(() => parseC2bRules({ accountPattern: '(a)\\1' })).toThrow(
        /accountPattern: is not a regular expression the relay can match in linear time/,
      );
      expect(() => parseC2bRules({ accountPattern: 'EMP(?=-)' })).toThrow(/accountPattern/);
    });

    it('checks the account pattern on Pay Bill payments only: Buy Goods carries no account number', async () => {
      const shop = await channelWith('tills', { accountPattern: 'EMP-[0-9]{1,6}' });
      expect(await answer(shop, payment({ TransactionType: 'Buy Goods', BillRefNumber: '' }))).toEqual(accepted);
      expect(await answer(shop, payment({ TransactionType: 'Pay Bill', BillRefNumber: '' }))).toEqual(
        rejected('C2B00012'),
      );
      expect(await answer(shop, payment({ TransactionType: 'Pay Bill', BillRefNumber: 'EMP-42' }))).toEqual(accepted);
    });

    it('rules stored as something other than rules (by hand, or damaged) accept, and nothing else breaks', async () => {
      const shop = await t.channel('damaged');
      const other = await t.channel('neighbour');
      for (const stored of ['not json at all', '"a string"', '[1, 2]']) {
        await writeRawRules(t, 'damaged', stored);
        await expect.poll(async () => (await t.relay.store.channel('damaged'))?.c2bRules).toBeTruthy();
        expect(await answer(shop, payment())).toEqual(accepted);
        expect((await post(`${other.callbackBaseUrl}/b2c-result`, `{"stored":${JSON.stringify(stored)}}`)).status).toBe(
          200,
        );
      }
      const events = (await pull(t.relay.url, shop.pullToken)).events.map((e) => openEvent(shop, e));
      expect(events).toHaveLength(3);
      for (const event of events)
        expect(event.validation?.reason).toMatch(/^accepted: the channel's C2B rules cannot be used/);
      expect((await pull(t.relay.url, other.pullToken)).events).toHaveLength(3);
    });

    it('rules it cannot use (from another relay version) accept, and say so to the desktop', async () => {
      const shop = await t.channel('unusable');
      // Straight into the store, past the check that setChannelRules makes.
      await t.relay.store.setC2bRules('unusable', { accountPattern: '(' });
      expect(await answer(shop, payment())).toEqual(accepted);
      const [event] = (await pull(t.relay.url, shop.pullToken)).events;
      expect(openEvent(shop, event!).validation).toEqual({
        resultCode: '0',
        reason: expect.stringMatching(
          /^accepted: the channel's C2B rules cannot be used \(accountPattern: is not a regular expression the relay can match in linear time/,
        ),
      });
    });
  });
});

describe('checking C2B rules when they are set', () => {
  const refusal = (rules: unknown): string => {
    try {
      parseC2bRules(rules);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error(`accepted ${JSON.stringify(rules)}`);
  };

  it('names what is wrong', () => {
    expect(refusal({ accountPattern: 'AC(\\d+' })).toMatch(
      /^accountPattern: is not a regular expression the relay can match in linear time \(.*missing closing \)/,
    );
    expect(refusal({ accountPattern: 'A'.repeat(201) })).toBe('accountPattern: is longer than 200 characters');
    expect(refusal({ accountPattern: '' })).toBe('accountPattern: must not be empty');
    expect(refusal({ minAmount: 500, maxAmount: 100 })).toBe('minAmount 500 is above maxAmount 100');
    expect(refusal({ minAmount: 10.5 })).toBe('minAmount: must be a whole number of shillings');
    expect(refusal({ maxAmount: -1 })).toBe('maxAmount: must not be negative');
    expect(refusal({ shortcodes: ['600984', '60098a'] })).toBe(
      'shortcodes: "60098a" is not a shortcode (digits only, at most 10)',
    );
    expect(refusal({ shortcodes: [] })).toBe('shortcodes: needs at least one shortcode');
    expect(refusal({})).toBe('at least one rule is needed (shortcodes, accountPattern, minAmount or maxAmount)');
    expect(refusal({ maxAmount: 100, currency: 'KES' })).toBe('unknown rule currency');
  });

  it('keeps good rules as given, each shortcode once', () => {
    expect(
      parseC2bRules({
        shortcodes: ['600984', '600984', '600985'],
        accountPattern: 'EMP-\\d+',
        minAmount: 0,
        maxAmount: 0,
      }),
    ).toEqual({
      shortcodes: ['600984', '600985'],
      accountPattern: 'EMP-\\d+',
      minAmount: 0,
      maxAmount: 0,
    });
    expect(parseC2bRules({ accountPattern: 'A'.repeat(200) }).accountPattern).toHaveLength(200);
  });
});
