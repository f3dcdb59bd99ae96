// Money inside Mshahara is always an integer number of cents (docs/architecture.md#money-and-phone-numbers). Daraja speaks whole
// shillings for B2C and STK and two-decimal strings or numbers in results; these helpers are the
// only place where the two meet.

export type Cents = number;

export class MoneyError extends Error {
  override name = 'MoneyError';
}

const decimalPattern = /^-?\d+(\.\d{1,2})?$/;

/** Parses a shilling amount as Daraja or a person writes it ("1,000", "1000.00", 10, 8959269.6). */
export function parseKes(value: string | number): Cents {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new MoneyError(`Amount ${value} is not a number`);
    const cents = Math.round(value * 100);
    if (Math.abs(cents - value * 100) > 1e-6 * Math.max(1, Math.abs(value))) {
      throw new MoneyError(`Amount ${value} has more than two decimals`);
    }
    return cents;
  }
  const text = value
    .trim()
    .replace(/^KES\s*/i, '')
    .replace(/,(?=\d{3}(\D|$))/g, '');
  if (!decimalPattern.test(text)) throw new MoneyError(`"${value}" is not an amount in shillings`);
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = text.replace('-', '').split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) throw new MoneyError(`Amount "${value}" is too large`);
  return negative ? -cents : cents;
}

/** Whole shillings for Daraja's B2C and STK Amount fields; refuses amounts with cents. */
export function toWholeShillings(cents: Cents): number {
  if (!Number.isSafeInteger(cents)) throw new MoneyError(`Amount ${cents} is not a whole number of cents`);
  if (cents % 100 !== 0) throw new MoneyError(`M-Pesa pays whole shillings; KES ${formatKes(cents)} has cents`);
  return cents / 100;
}

export function fromWholeShillings(shillings: number): Cents {
  return Math.round(shillings * 100);
}

/** "1,234.50" — the amount with thousands separators, no currency. */
export function formatKes(cents: Cents): string {
  const negative = cents < 0;
  const abs = Math.abs(cents);
  const whole = Math.trunc(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = (abs % 100).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** "KES 1,234.50" for people. */
export function formatKesWithCurrency(cents: Cents): string {
  return `KES ${formatKes(cents)}`;
}

/** An amount a person typed: its cents, or in plain words why it is not an amount. */
export type ShillingsInput = { ok: true; cents: Cents } | { ok: false; reason: string };

const typedAmount = /^(\d{1,3}(,\d{3})+|\d+)(\.\d*)?$/;

/**
 * Reads an amount a person typed in shillings ("1,250.50", "KES 300", "1250.5") as integer cents,
 * digit by digit with no float arithmetic, and refuses anything that is not one ("12.345", "-5", "abc").
 */
export function parseShillings(typed: string): ShillingsInput {
  const text = typed
    .trim()
    .replace(/^KES\s*/i, '')
    .replace(/\s+/g, '');
  if (text === '') return { ok: false, reason: 'Enter an amount in shillings, such as 1,250.50' };
  if (text.startsWith('-')) return { ok: false, reason: 'The amount cannot be below zero' };
  if (!typedAmount.test(text)) return { ok: false, reason: 'Write the amount in figures, such as 1,250.50' };
  const [whole = '', fraction = ''] = text.replace(/,/g, '').split('.');
  if (fraction.length > 2) return { ok: false, reason: 'An amount has at most two decimals (cents), such as 1,250.50' };
  const cents = BigInt(whole || '0') * 100n + BigInt(fraction.padEnd(2, '0'));
  if (cents > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: 'That amount is too large' };
  return { ok: true, cents: Number(cents) };
}

/** "1,250.50": cents as a person would type them back into an amount field. */
export function shillingsText(cents: Cents | null | undefined): string {
  return cents === null || cents === undefined ? '' : formatKes(cents);
}
