// Account Balance results (REFERENCE §3) and the "Name|CCY|current|available|reserved|uncleared"
// encoding that Reversal and B2B results reuse, parsed defensively (3 to 6 fields per account).
import { parseKes } from '../../../shared/money';
import type { AccountBalance, BalanceResultEvent, ParseResult } from './events';
import { instant, looseObject, text } from './fields';
import { failure, formatPath as describe, type PathSegment } from './outcome';
import { parametersPath, parseParameters, type ParsedResult } from './result-envelope';

const balanceParameters = looseObject({
  AccountBalance: text.optional(),
  BOCompletedTime: instant.optional(),
});

const amountFields = ['current', 'available', 'reserved', 'uncleared'] as const;

/** Parses "Working Account|KES|700000.00|…&Utility Account|KES|…"; empty segments are skipped. */
export function parseAccountBalances(
  encoded: string,
  path: readonly PathSegment[],
): { ok: true; accounts: AccountBalance[] } | (ParseResult & { ok: false }) {
  const accounts: AccountBalance[] = [];
  const segments = encoded.split('&').filter((segment) => segment.trim() !== '');
  for (const [index, segment] of segments.entries()) {
    const fields = segment.split('|').map((field) => field.trim());
    const where = [...path, index];
    if (fields.length < 3 || fields.length > 6) {
      return failure(
        `${describe(where)} must have 3 to 6 "|"-separated fields (name, currency, balances), got ${fields.length}`,
        where,
      );
    }
    const [name = '', currency = ''] = fields;
    if (name === '') return failure(`${describe(where)} has no account name`, where);
    const amounts: (number | null)[] = [];
    for (const [offset, label] of amountFields.entries()) {
      const raw = fields[offset + 2];
      if (raw === undefined || raw === '') {
        amounts.push(null);
        continue;
      }
      try {
        amounts.push(parseKes(raw));
      } catch {
        return failure(`${describe([...where, label])} must be an amount in shillings, got "${raw}"`, [
          ...where,
          label,
        ]);
      }
    }
    const [current, available = null, reserved = null, uncleared = null] = amounts;
    if (current === null || current === undefined) {
      return failure(`${describe([...where, 'current'])} is missing`, [...where, 'current']);
    }
    accounts.push({
      name,
      currency,
      currentCents: current,
      availableCents: available,
      reservedCents: reserved,
      unclearedCents: uncleared,
    });
  }
  return { ok: true, accounts };
}

export function balanceResultEvent(result: ParsedResult): ParseResult {
  const parsed = parseParameters(balanceParameters, result.parameters);
  if (!parsed.ok) return parsed;
  let accounts: AccountBalance[] = [];
  if (parsed.values.AccountBalance !== undefined) {
    const balances = parseAccountBalances(parsed.values.AccountBalance, [...parametersPath, 'AccountBalance']);
    if (!balances.ok) return balances;
    accounts = balances.accounts;
  }
  return {
    ok: true,
    event: {
      type: 'balance-result',
      ...result.header,
      accounts,
      completedAt: parsed.values.BOCompletedTime ?? null,
    } satisfies BalanceResultEvent,
  };
}
