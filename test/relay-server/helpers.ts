// Shared set-up for relay tests: a real relay on 127.0.0.1:0 in a temp folder, on either store
// (SQLite in the folder, or a fresh database in a throwaway PostgreSQL cluster), channels with
// fresh X25519 keys, and small HTTP helpers over undici.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { pino } from 'pino';
import { request } from 'undici';
import {
  generateChannelKeyPair,
  open,
  type RelayEventPlaintext,
  type SealedEnvelope,
} from '../../src/relay-server/sealing';
import { startRelay, type RelayOptions, type RunningRelay } from '../../src/relay-server/server';
import type { ChannelCredentials } from '../../src/relay-server/channels';
import type { StoreChoice, StoreKind } from '../../src/relay-server/open-store';
import { startPostgres, type PgCluster } from '../helpers/postgres';

/** Every relay test parameterised by store runs against each of these. */
export const storeKinds: readonly StoreKind[] = ['sqlite', 'postgres'];

let cluster: Promise<PgCluster> | undefined;

/** One PostgreSQL cluster per test file, started on first use; the file stops it with stopTestPostgres. */
export function testPostgres(): Promise<PgCluster> {
  return (cluster ??= startPostgres());
}

export async function stopTestPostgres(): Promise<void> {
  const running = cluster;
  cluster = undefined;
  if (running) await (await running).stop();
}

/** A store of this kind for one relay: SQLite in its folder, or a new database of its own. */
export async function storeChoiceFor(kind: StoreKind): Promise<StoreChoice> {
  return kind === 'sqlite' ? { kind } : { kind, databaseUrl: await (await testPostgres()).createDatabase() };
}

export interface TestChannel extends ChannelCredentials {
  privateKeyPem: string;
}

export interface TestRelay {
  relay: RunningRelay;
  dataDir: string;
  store: StoreChoice;
  channel(name: string): Promise<TestChannel>;
  stop(): Promise<void>;
}

export async function startTestRelay(
  options: Partial<RelayOptions> & { storeKind?: StoreKind } = {},
): Promise<TestRelay> {
  const { storeKind = 'sqlite', ...rest } = options;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'relay-test-'));
  const storeChoice = rest.storeChoice ?? (await storeChoiceFor(storeKind));
  const relay = await startRelay({
    port: 0,
    logger: pino({ level: 'silent' }),
    rateLimit: { hooksPerMinute: null, pullPerMinute: null },
    ...rest,
    storeChoice,
    dataDir,
  });
  return {
    relay,
    dataDir,
    store: storeChoice,
    async channel(name) {
      const keys = generateChannelKeyPair();
      return { ...(await relay.addChannel(name, keys.publicKeyPem)), privateKeyPem: keys.privateKeyPem };
    },
    async stop() {
      await relay.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{ status: number; json: unknown }> {
  const res = await request(url, { method: 'POST', body, headers });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? (JSON.parse(text) as unknown) : undefined };
}

export interface PulledEvent {
  id: string;
  cursor: string;
  sealed: SealedEnvelope;
}

export async function pull(
  relayUrl: string,
  token: string | undefined,
  query = '',
): Promise<{ status: number; events: PulledEvent[]; cursor: string }> {
  const res = await request(`${relayUrl}/v1/events${query}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  const json = (await res.body.json()) as { events?: PulledEvent[]; cursor?: string };
  return { status: res.statusCode, events: json.events ?? [], cursor: json.cursor ?? '' };
}

export function openEvent(channel: TestChannel, event: PulledEvent): RelayEventPlaintext {
  return JSON.parse(open(channel.privateKeyPem, event.sealed)) as RelayEventPlaintext;
}

/** Everything stored for a channel, straight from the store. */
export async function storedCount(relay: RunningRelay, channel: string): Promise<number> {
  return (await relay.store.eventsAfter(channel, 0, 100_000)).length;
}

/** Every byte the store keeps, as text: the SQLite files, or every PostgreSQL row of the relay's tables. */
export async function storedText(t: TestRelay): Promise<string> {
  if (t.store.kind === 'sqlite') {
    return readdirSync(t.dataDir)
      .filter((f) => f.startsWith('relay.sqlite'))
      .map((f) => readFileSync(join(t.dataDir, f)).toString('latin1'))
      .join('');
  }
  const client = new pg.Client({ connectionString: t.store.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ text: string }>(
      "SELECT coalesce((SELECT string_agg(e::text, '') FROM relay_events e), '') || coalesce((SELECT string_agg(c::text, '') FROM relay_channels c), '') AS text",
    );
    return rows[0]?.text ?? '';
  } finally {
    await client.end();
  }
}

/** Writes a channel's stored C2B rules text as is, past every check (as a hand edit or damage would). */
export async function writeRawRules(t: TestRelay, channel: string, text: string): Promise<void> {
  if (t.store.kind === 'sqlite') {
    const db = new Database(join(t.dataDir, 'relay.sqlite'));
    try {
      db.prepare('UPDATE channels SET c2b_rules = ? WHERE id = ?').run(text, channel);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: t.store.databaseUrl });
  await client.connect();
  try {
    await client.query('UPDATE relay_channels SET c2b_rules = $1 WHERE id = $2', [text, channel]);
  } finally {
    await client.end();
  }
}
