// A customer paying the business's Pay Bill in the simulator, with the confirmation caught by a
// small server of the test's own: so M-Pesa holds the money and Mshahara's ledger lacks it, as when
// a confirmation never reached the desktop.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DarajaClient } from '../../src/main/daraja';

export async function customerPaidUnseen(
  client: DarajaClient,
  payment: { amountCents: number; msisdn: string; billRef?: string },
): Promise<string> {
  const bodies: Array<{ TransID?: string; OrgAccountBalance?: string }> = [];
  const catcher = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      bodies.push(JSON.parse(body) as { TransID?: string; OrgAccountBalance?: string });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ResultCode: 0, ResultDesc: 'Accepted' }));
    });
  });
  await new Promise<void>((resolve) => catcher.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(catcher.address() as AddressInfo).port}/c2b`;
    const registered = await client.registerC2bUrls(
      { responseType: 'Completed', confirmationUrl: url, validationUrl: url },
      'v1',
    );
    if (registered.kind !== 'accepted') throw new Error('the Pay Bill URLs were not registered');
    const paid = await client.simulateC2b({
      amountCents: payment.amountCents,
      msisdn: payment.msisdn,
      billRefNumber: payment.billRef ?? 'INV-1',
    });
    if (paid.kind !== 'accepted') throw new Error('the customer’s payment was refused');
    // The validation carries no balance; the confirmation does.
    const confirmation = (): string | undefined =>
      bodies.find((b) => b.OrgAccountBalance !== undefined && b.OrgAccountBalance !== '')?.TransID;
    for (let i = 0; i < 400 && confirmation() === undefined; i++) await new Promise((r) => setTimeout(r, 25));
    const receipt = confirmation();
    if (receipt === undefined) throw new Error('the customer’s payment was not confirmed');
    return receipt;
  } finally {
    await new Promise<void>((resolve) => catcher.close(() => resolve()));
  }
}
