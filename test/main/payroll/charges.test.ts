// Charges estimated from the 2023 B2C tariff data, band edges included.
import { describe, expect, it } from 'vitest';
import tariff from '../../../resources/b2c-tariff-2023.json';
import { estimateCharge, estimateRunCharges } from '../../../src/main/payroll/charges';
import { ValidationError } from '../../../src/shared/errors';

describe('B2C charges', () => {
  it('charges each band edge what the tariff says', () => {
    expect(estimateCharge(1_000)).toBe(0);
    expect(estimateCharge(10_000)).toBe(0);
    expect(estimateCharge(10_100)).toBe(500);
    expect(estimateCharge(150_000)).toBe(500);
    expect(estimateCharge(150_100)).toBe(900);
    expect(estimateCharge(1_000_000)).toBe(1_100);
    expect(estimateCharge(2_000_100)).toBe(1_300);
    expect(estimateCharge(25_000_000)).toBe(1_300);
  });

  it('follows the data file for every band', () => {
    for (const band of tariff.registered) {
      expect(estimateCharge(band.fromCents)).toBe(band.chargeCents);
      expect(estimateCharge(band.toCents)).toBe(band.chargeCents);
    }
  });

  it('refuses amounts the tariff does not cover', () => {
    expect(() => estimateCharge(25_000_100)).toThrow(ValidationError);
    expect(() => estimateCharge(0)).toThrow(ValidationError);
    expect(() => estimateCharge(10.5)).toThrow(ValidationError);
  });

  it('totals a run: amount, charges and what the float must hold', () => {
    expect(
      estimateRunCharges([{ amountCents: 2_500_000 }, { amountCents: 1_850_000 }, { amountCents: 5_000 }]),
    ).toEqual({
      count: 3,
      amountCents: 4_355_000,
      chargesCents: 1_300 + 1_100 + 0,
      totalWithChargesCents: 4_357_400,
    });
    expect(estimateRunCharges([])).toEqual({ count: 0, amountCents: 0, chargesCents: 0, totalWithChargesCents: 0 });
  });
});
