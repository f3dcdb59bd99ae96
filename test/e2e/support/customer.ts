// A customer of the business, played by the simulator: they pay the demo's Pay Bill, and M-Pesa
// sends the confirmation to the URL the demo registered at start, so the ledger row that follows
// is Mshahara's own work (checked by Transaction Status), never written by the test.
import { expect } from 'vitest';

export interface SimulatedCustomer {
  msisdn: string;
  /** The name M-Pesa has registered to the number. */
  name: string;
}

/** The customer pays `amount` KES with `accountNumber`; answers M-Pesa's receipt. */
export async function customerPaysBill(
  simulatorUrl: string,
  customer: SimulatedCustomer,
  amount: number,
  accountNumber: string,
): Promise<string> {
  const registered = await fetch(`${simulatorUrl}/simulator/customers`, {
    method: 'POST',
    body: JSON.stringify([customer]),
  });
  expect(registered.status, 'the customer is known to M-Pesa').toBe(200);
  const paid = await fetch(`${simulatorUrl}/simulator/c2b/pay`, {
    method: 'POST',
    body: JSON.stringify({ msisdn: customer.msisdn, amount, accountNumber }),
  });
  expect(paid.status, 'the customer paid').toBe(200);
  return ((await paid.json()) as { receipt: string }).receipt;
}
