// Shared set-up for relay tests: a real relay on 127.0.0.1:0 in a temp folder, channels with
// fresh X25519 keys, and small HTTP helpers over undici.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { request } from 'undici';
import { generateChannelKeyPair, open, type RelayEventPlaintext, type SealedEnvelope } from '../../src/relay/sealing';
import { startRelay, type RelayOptions, type RunningRelay } from '../../src/relay/server';
import type { ChannelCredentials } from '../../src/relay/channels';

export interface TestChannel extends ChannelCredentials {
  privateKeyPem: string;
}

export interface TestRelay {
  relay: RunningRelay;
  dataDir: string;
  channel(name: string): Promise<TestChannel>;
  stop(): Promise<void>;
}

export async function startTestRelay(options: Partial<RelayOptions> = {}): Promise<TestRelay> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'relay-test-'));
  const relay = await startRelay({ port: 0, logger: pino({ level: 'silent' }), rateLimit: { hooksPerMinute: null, pullPerMinute: null }, ...options, dataDir });
  return {
    relay,
    dataDir,
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

export async function post(url: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<{ status: number; json: unknown }> {
  const res = await request(url, { method: 'POST', body, headers });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? (JSON.parse(text) as unknown) : undefined };
}

export interface PulledEvent {
  id: string;
  cursor: string;
  sealed: SealedEnvelope;
}

export async function pull(relayUrl: string, token: string | undefined, query = ''): Promise<{ status: number; events: PulledEvent[]; cursor: string }> {
  const res = await request(`${relayUrl}/v1/events${query}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
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
