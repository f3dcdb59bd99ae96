// Test helpers for the simulator: a real callback receiver on loopback, a tiny Daraja caller built
// on undici, SecurityCredential made against the simulator's certificate, and a shape comparer.
import crypto from 'node:crypto';
import http from 'node:http';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import type { RunningSimulator } from '../../src/simulator/index';

export interface ReceivedCallback {
  path: string;
  body: unknown;
}

export interface CallbackReceiver {
  url(path: string): string;
  received: ReceivedCallback[];
  /** Resolves when at least `count` callbacks have arrived on `path` (any path when omitted). */
  waitFor(count: number, path?: string): Promise<ReceivedCallback[]>;
  /** What to answer next on a path (default `{"ResultCode":0,"ResultDesc":"Accepted"}`). */
  answer(path: string, status: number, body: unknown): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  const events = new EventEmitter();
  const answers = new Map<string, { status: number; body: unknown }>();
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, body: JSON.parse(text) as unknown });
      const answer = answers.get(path) ?? { status: 200, body: { ResultCode: 0, ResultDesc: 'Accepted' } };
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      events.emit('callback');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const matching = (path?: string): ReceivedCallback[] => received.filter((c) => path === undefined || c.path === path);
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    answer: (path, status, body) => void answers.set(path, { status, body }),
    waitFor: (count, path) =>
      new Promise((resolve) => {
        const check = (): void => {
          if (matching(path).length >= count) {
            events.off('callback', check);
            resolve(matching(path));
          }
        };
        events.on('callback', check);
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface DarajaAnswer {
  status: number;
  body: Record<string, unknown>;
}

export class DarajaCaller {
  private token: string | null = null;

  constructor(private readonly simulator: RunningSimulator) {}

  async oauth(
    key = this.simulator.credentials.consumerKey,
    secret = this.simulator.credentials.consumerSecret,
    grant = 'client_credentials',
  ): Promise<DarajaAnswer> {
    const basic = Buffer.from(`${key}:${secret}`).toString('base64');
    const answer = await request(`${this.simulator.baseUrl}/oauth/v1/generate?grant_type=${grant}`, {
      headers: { authorization: `Basic ${basic}` },
    });
    return { status: answer.statusCode, body: (await answer.body.json()) as Record<string, unknown> };
  }

  async accessToken(): Promise<string> {
    if (this.token === null) {
      const answer = await this.oauth();
      this.token = String(answer.body.access_token);
    }
    return this.token;
  }

  async post(
    path: string,
    body: unknown,
    options: { token?: string; contentType?: string; raw?: string; method?: 'POST' | 'GET' } = {},
  ): Promise<DarajaAnswer> {
    const token = options.token ?? (await this.accessToken());
    const answer = await request(`${this.simulator.baseUrl}${path}`, {
      method: options.method ?? 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': options.contentType ?? 'application/json' },
      body: options.method === 'GET' ? undefined : (options.raw ?? JSON.stringify(body)),
    });
    const text = await answer.body.text();
    return { status: answer.statusCode, body: JSON.parse(text) as Record<string, unknown> };
  }

  credential(password = this.simulator.credentials.initiatorPassword): string {
    return crypto
      .publicEncrypt(
        { key: this.simulator.certificatePem, padding: crypto.constants.RSA_PKCS1_PADDING },
        Buffer.from(password, 'utf8'),
      )
      .toString('base64');
  }

  b2cRequest(receiver: CallbackReceiver, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      OriginatorConversationID: crypto.randomUUID(),
      InitiatorName: this.simulator.credentials.initiatorName,
      SecurityCredential: this.credential(),
      CommandID: 'SalaryPayment',
      Amount: '1000',
      PartyA: this.simulator.credentials.shortcode,
      PartyB: '254705912645',
      Remarks: 'November salary',
      QueueTimeOutURL: receiver.url('/b2c/timeout'),
      ResultURL: receiver.url('/b2c/result'),
      Occassion: 'November',
      ...overrides,
    };
  }

  queryRequest(
    kind: 'balance' | 'status' | 'reversal',
    receiver: CallbackReceiver,
    overrides: Record<string, unknown> = {},
  ): Record<string, unknown> {
    const common = {
      Initiator: this.simulator.credentials.initiatorName,
      SecurityCredential: this.credential(),
      Remarks: 'check',
      QueueTimeOutURL: receiver.url(`/${kind}/timeout`),
      ResultURL: receiver.url(`/${kind}/result`),
    };
    switch (kind) {
      case 'balance':
        return {
          ...common,
          CommandID: 'AccountBalance',
          PartyA: this.simulator.credentials.shortcode,
          IdentifierType: '4',
          ...overrides,
        };
      case 'status':
        return {
          ...common,
          CommandID: 'TransactionStatusQuery',
          PartyA: this.simulator.credentials.shortcode,
          IdentifierType: '4',
          Occasion: '',
          ...overrides,
        };
      case 'reversal':
        return {
          ...common,
          CommandID: 'TransactionReversal',
          ReceiverParty: this.simulator.credentials.shortcode,
          RecieverIdentifierType: '11',
          Amount: '1',
          ...overrides,
        };
      default: {
        const unreachable: never = kind;
        throw new Error(String(unreachable));
      }
    }
  }

  stkPassword(timestamp: string): string {
    const c = this.simulator.credentials;
    return Buffer.from(`${c.stkShortcode}${c.passkey}${timestamp}`).toString('base64');
  }
}

/** Result parameters as a Key → Value map. */
export function resultParameters(callback: unknown): Record<string, unknown> {
  const result = (
    callback as { Result: { ResultParameters?: { ResultParameter: Array<{ Key: string; Value?: unknown }> } } }
  ).Result;
  return Object.fromEntries((result.ResultParameters?.ResultParameter ?? []).map((p) => [p.Key, p.Value]));
}

export function resultOf(callback: unknown): Record<string, unknown> {
  return (callback as { Result: Record<string, unknown> }).Result;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Differences in shape between a Daraja sample and what the simulator produced: the same keys
 * with the same value types, recursively. Lists of {Key|Name, Value} are matched by Key/Name.
 */
export function shapeDifferences(sample: unknown, actual: unknown, path = '$'): string[] {
  if (kindOf(sample) !== kindOf(actual)) return [`${path}: expected ${kindOf(sample)}, got ${kindOf(actual)}`];
  if (Array.isArray(sample) && Array.isArray(actual)) {
    const label = (item: unknown): string | null => {
      if (item && typeof item === 'object' && !Array.isArray(item)) {
        const named = (item as Record<string, unknown>).Key ?? (item as Record<string, unknown>).Name;
        return typeof named === 'string' ? named : null;
      }
      return null;
    };
    if (sample.every((item) => label(item) !== null)) {
      const actualByLabel = new Map(actual.map((item) => [label(item), item]));
      const differences = sample.flatMap((item) => {
        const name = label(item);
        return actualByLabel.has(name)
          ? shapeDifferences(item, actualByLabel.get(name), `${path}[${name}]`)
          : [`${path}: missing ${name}`];
      });
      const extra = actual.map(label).filter((name) => !sample.some((item) => label(item) === name));
      return [...differences, ...extra.map((name) => `${path}: unexpected ${String(name)}`)];
    }
    if (sample.length === 0) return [];
    return actual.flatMap((item, i) => shapeDifferences(sample[0], item, `${path}[${i}]`));
  }
  if (sample && typeof sample === 'object' && actual && typeof actual === 'object') {
    const s = sample as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const missing = Object.keys(s)
      .filter((k) => !(k in a))
      .map((k) => `${path}.${k}: missing`);
    const extra = Object.keys(a)
      .filter((k) => !(k in s))
      .map((k) => `${path}.${k}: unexpected`);
    const nested = Object.keys(s)
      .filter((k) => k in a)
      .flatMap((k) => shapeDifferences(s[k], a[k], `${path}.${k}`));
    return [...missing, ...extra, ...nested];
  }
  return [];
}
