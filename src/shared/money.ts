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
