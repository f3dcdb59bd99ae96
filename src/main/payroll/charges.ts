// What M-Pesa will charge the employer for B2C payments, estimated from the published tariff
// (resources/b2c-tariff-2023.json). An estimate: the real charge arrives with each result.
import tariff from '../../../resources/b2c-tariff-2023.json';
import { ValidationError } from '../../shared/errors';
import { formatKesWithCurrency, type Cents } from '../../shared/money';

interface TariffBand {
  fromCents: number;
  toCents: number;
  chargeCents: number;
}

// Workers are paid on their registered M-Pesa lines; an unregistered recipient is the exception
// and M-Pesa tells us the real charge afterwards anyway.
const registeredBands: readonly TariffBand[] = tariff.registered;

export const tariffSource = { effectiveFrom: tariff.effectiveFrom, source: tariff.source } as const;

/** The charge for one B2C payment of `amountCents` to a registered M-Pesa user. */
export function estimateCharge(amountCents: Cents): Cents {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) {
    throw new ValidationError(
      `Cannot estimate the M-Pesa charge for ${amountCents} cents: amounts are positive whole cents`,
    );
  }
  const band = registeredBands.find((b) => amountCents >= b.fromCents && amountCents <= b.toCents);
  if (band === undefined) {
    throw new ValidationError(
      `The M-Pesa tariff has no charge for a payment of ${formatKesWithCurrency(amountCents)}; B2C pays whole shillings within the per-payment limits`,
    );
  }
  return band.chargeCents;
}

/** The tariff charge, or null for an amount the tariff has no band for (nothing to estimate). */
export function estimatedChargeOrNull(amountCents: Cents): Cents | null {
  try {
    return estimateCharge(amountCents);
  } catch {
    return null;
  }
}

export interface RunChargeEstimate {
  count: number;
  amountCents: Cents;
  chargesCents: Cents;
  /** What the utility account must hold for the whole run. */
  totalWithChargesCents: Cents;
}

/** Totals and estimated charges of a list of payments (a run, a file, a selection of workers). */
export function estimateRunCharges(items: Iterable<{ amountCents: Cents }>): RunChargeEstimate {
  let count = 0;
  let amountCents = 0;
  let chargesCents = 0;
  for (const item of items) {
    count += 1;
    amountCents += item.amountCents;
    chargesCents += estimateCharge(item.amountCents);
  }
  return { count, amountCents, chargesCents, totalWithChargesCents: amountCents + chargesCents };
}
