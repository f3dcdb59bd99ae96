// How a charge is known, in the same words on every screen: estimated from the tariff until the
// M-Pesa statement's charge row confirms it, or as M-Pesa reported it with the payment.
import type { ChargeBasis } from '../../shared/contract-values';

/** How a charge is known, in a word beside it and in full on hover. */
export const chargeBasisWords: Record<ChargeBasis, string> = {
  estimated: 'est.',
  reported: 'M-Pesa',
  confirmed: 'confirmed',
};
export const chargeBasisTitles: Record<ChargeBasis, string> = {
  estimated: 'Estimated from the tariff: the M-Pesa statement has not confirmed it yet',
  reported: 'As M-Pesa reported it with the payment',
  confirmed: 'Confirmed by the charge row of the M-Pesa statement',
};
