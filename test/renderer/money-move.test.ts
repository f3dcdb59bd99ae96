// What the confirmation before money moves says: how much, to how many, from which account, and
// whether real money moves.
import { describe, expect, it } from 'vitest';
import { moneyMoveWords, paysRealMoney } from '../../src/renderer/components/money-move';

const send = { kind: 'send', amountCents: 123_450_000, workers: 312 } as const;

describe('money move confirmation', () => {
  it('names the total, the count and the production account, and warns of real money', () => {
    expect(moneyMoveWords(send, { name: 'acme', kind: 'production', shortcode: '600000' })).toEqual({
      question: 'Send KES 1,234,500.00 to 312 workers from M-Pesa account 600000 (production)?',
      consequence: 'This sends real money.',
    });
    expect(paysRealMoney({ name: 'acme', kind: 'production' })).toBe(true);
  });

  it('says the demo is the simulator and the sandbox moves no real money', () => {
    const demo = moneyMoveWords(
      { kind: 'retry', amountCents: 150_000, payments: 1 },
      { name: 'demo', kind: 'demo', shortcode: '600992' },
    );
    expect(demo.question).toBe('Send 1 failed payment again, KES 1,500.00 in all, from M-Pesa account 600992 (demo)?');
    expect(demo.consequence).toMatch(/simulator[^]*no real money/);
    expect(paysRealMoney({ name: 'demo', kind: 'demo' })).toBe(false);
    expect(moneyMoveWords(send, { name: 'try', kind: 'sandbox' }).consequence).toMatch(/sandbox: no real money/);
  });

  it('says how many payments a resume sends', () => {
    expect(
      moneyMoveWords({ kind: 'resume', payments: 1200 }, { name: 'acme', kind: 'production', shortcode: '600000' })
        .question,
    ).toBe('Resume sending the 1,200 payments not sent yet from M-Pesa account 600000 (production)?');
  });

  it('says a self-run Daraja address is where the payments go, without calling it real money', () => {
    expect(paysRealMoney({ name: 'own', kind: 'custom' })).toBe(false);
    const custom = moneyMoveWords(send, { name: 'own', kind: 'custom' });
    expect(custom.question).toContain('from the M-Pesa account of own (custom)');
    expect(custom.consequence).toMatch(/Daraja address this profile is set up with/);
  });
});
