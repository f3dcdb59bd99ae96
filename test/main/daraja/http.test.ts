// Network failures at each moment of a request, on real sockets: before anything is sent (safe to
// retry) and after the request went out (a payment's fate is unknown).
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DarajaClient, type B2cPaymentRequest } from '../../../src/main/daraja';
import { DarajaHttp } from '../../../src/main/daraja/http';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';

type Behaviour = 'silent' | 'reset' | 'bad-gateway';

/** A stand-in Daraja that issues tokens, then misbehaves on every business call as told. */
async function startMisbehavingDaraja(): Promise<{
  baseUrl: string;
  setBehaviour(b: Behaviour): void;
  received: () => number;
  close(): Promise<void>;
}> {
  let behaviour: Behaviour = 'silent';
  let received = 0;
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/oauth/')) {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"access_token":"T0k3nT0k3nT0k3nT0k3nT0k3n1","expires_in":"3599"}');
      return;
    }
    req.resume();
    req.on('end', () => {
      received++;
      switch (behaviour) {
        case 'silent':
          hanging.push(res);
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'bad-gateway':
          res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>Bad Gateway</body></html>');
          return;
        default: {
          const never: never = behaviour;
          throw new Error(String(never));
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setBehaviour: (b) => void (behaviour = b),
    received: () => received,
    close: () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const payment: B2cPaymentRequest = {
  originatorConversationId: 'net-1',
  commandId: 'SalaryPayment',
  amountCents: 100_00,
  party: '254705912645',
  remarks: 'Salary',
  resultUrl: 'http://127.0.0.1:9/r',
  queueTimeoutUrl: 'http://127.0.0.1:9/q',
};
const balance = { resultUrl: 'http://127.0.0.1:9/r', queueTimeoutUrl: 'http://127.0.0.1:9/q' };

let sim: RunningSimulator; // only for a real certificate
let daraja: Awaited<ReturnType<typeof startMisbehavingDaraja>>;
let client: DarajaClient;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 5 });
  daraja = await startMisbehavingDaraja();
  client = new DarajaClient(
    { name: 'net', baseUrl: daraja.baseUrl, ...sim.credentials, certificatePem: sim.certificatePem },
    { timeouts: { headersMs: 150 } },
  );
});

afterAll(async () => {
  await client.close();
  await daraja.close();
  await sim.close();
});

describe('network failures', () => {
  it('marks a refused connection as not sent, and the call transient even for a payment', async () => {
    const url = await closedPortUrl();
    const http = new DarajaHttp(url);
    const result = await http.send({ method: 'POST', path: '/mpesa/b2c/v3/paymentrequest', headers: {}, body: '{}' });
    await http.close();
    expect(result).toMatchObject({ kind: 'failure', sent: false, errorCode: 'ECONNREFUSED' });

    const offline = new DarajaClient({
      name: 'offline',
      baseUrl: url,
      ...sim.credentials,
      certificatePem: sim.certificatePem,
    });
    const outcome = await offline.b2cPayment(payment);
    await offline.close();
    expect(outcome.kind).toBe('transient');
  });

  it('calls a payment unknown when the answer times out after sending; a query transient', async () => {
    daraja.setBehaviour('silent');
    const before = daraja.received();
    expect((await client.b2cPayment(payment)).kind).toBe('unknown');
    expect((await client.accountBalance(balance)).kind).toBe('transient');
    expect(daraja.received() - before).toBe(2); // the request did arrive: that is why it is unknown
  });

  it('calls a payment unknown when the connection is reset after sending; a query transient', async () => {
    daraja.setBehaviour('reset');
    const outcome = await client.b2cPayment(payment);
    expect(outcome.kind).toBe('unknown');
    if (outcome.kind === 'unknown')
      expect(outcome.error).toMatchObject({ code: 'network.answer_lost', action: 'check_status' });
    expect((await client.accountBalance(balance)).kind).toBe('transient');
  });

  it('calls a payment unknown after a 5xx without a Daraja answer; a query transient', async () => {
    daraja.setBehaviour('bad-gateway');
    const outcome = await client.b2cPayment(payment);
    expect(outcome.kind).toBe('unknown');
    if (outcome.kind === 'unknown') expect(outcome.error.code).toBe('http.502');
    expect((await client.accountBalance(balance)).kind).toBe('transient');
    expect(
      (await client.reversal({ receipt: 'SG632NMUAB', amountCents: 100_00, remarks: 'Refund', ...balance })).kind,
    ).toBe('unknown');
  });
});
