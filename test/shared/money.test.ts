// Amounts a person types become exact integer cents, or a plain reason why they are not an amount.
import { describe, expect, it } from 'vitest';
import { parseShillings, shillingsText } from '../../src/shared/money';

describe('parseShillings', () => {
  it('reads what people type as exact cents', () => {
    expect(parseShillings('1,250.50')).toEqual({ ok: true, cents: 125050 });
    expect(parseShillings('1250.5')).toEqual({ ok: true, cents: 125050 });
    expect(parseShillings(' KES 300 ')).toEqual({ ok: true, cents: 30000 });
    expect(parseShillings('0.29')).toEqual({ ok: true, cents: 29 });
    expect(parseShillings('1,234,567.89')).toEqual({ ok: true, cents: 123456789 });
  });

  it('counts digits instead of multiplying floats, so large amounts stay exact', () => {
    // Number('1.15') * 100 is 114.99999999999999; near the largest safe amount, float cents drift.
    expect(parseShillings('1.15')).toEqual({ ok: true, cents: 115 });
    expect(parseShillings('0.07')).toEqual({ ok: true, cents: 7 });
    expect(parseShillings('90071992547409.91')).toEqual({ ok: true, cents: 9007199254740991 });
  });

  it('refuses what is not an amount, saying why', () => {
    expect(parseShillings('12.345')).toEqual({ ok: false, reason: expect.stringMatching(/at most two decimals/) });
    expect(parseShillings('-5')).toEqual({ ok: false, reason: 'The amount cannot be below zero' });
    expect(parseShillings('abc')).toEqual({ ok: false, reason: expect.stringMatching(/in figures/) });
    expect(parseShillings('')).toEqual({ ok: false, reason: expect.stringMatching(/Enter an amount/) });
    expect(parseShillings('1,25')).toEqual({ ok: false, reason: expect.stringMatching(/in figures/) });
    expect(parseShillings('1e5')).toEqual({ ok: false, reason: expect.stringMatching(/in figures/) });
    expect(parseShillings('90071992547409.92')).toEqual({ ok: false, reason: 'That amount is too large' });
  });

  it('reads back what shillingsText writes', () => {
    for (const cents of [0, 5, 125050, 123456789])
      expect(parseShillings(shillingsText(cents))).toEqual({ ok: true, cents });
    expect(shillingsText(null)).toBe('');
  });
});
