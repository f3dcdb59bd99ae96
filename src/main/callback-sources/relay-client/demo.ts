// Demo mode's relay: the real companion relay, started in this process on loopback, so demo payments'
// callbacks travel the same path as real ones (simulator → relay → relay client → inbox → engine).
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { generateChannelKeyPair } from '../../../relay-server/sealing';
import { startRelay, type RunningRelay } from '../../../relay-server/server';
import type { ProfileDatabase } from '../../db';
import { logger } from '../../log';
import { MemorySecretStore } from '../../secrets/memory-store';
import { RelayClient, type RelayClientOptions } from './client';

export interface DemoRelay {
  /** Where the relay listens (and where Daraja's callbacks go), e.g. http://127.0.0.1:41234. */
  url: string;
  channel: string;
  callbackBaseUrl: string;
  /** The demo profile's channel key, pull token and callback address, in memory only. */
  secrets: MemorySecretStore;
  /** The relay itself, for tests that look at what it stores. */
  relay: RunningRelay;
  /** A relay client that stores this channel's callbacks into `db` (the demo profile database). */
  client(db: ProfileDatabase, tuning?: Pick<RelayClientOptions, 'waitSeconds' | 'batchSize' | 'retry'>): RelayClient;
  stop(): Promise<void>;
}

/**
 * Starts the demo relay with its data in `{dataDir}/demo-relay`. The channel key lives only in
 * memory, so what an earlier demo relay kept could not be opened: the folder is emptied at each
 * start, and the channel gets a fresh name so the desktop's stored cursor for an earlier demo
 * channel can never skip events of this one.
 */
export async function startDemoRelay(dataDir: string, options: { profile?: string } = {}): Promise<DemoRelay> {
  const profile = options.profile ?? 'demo';
  const relayDir = join(dataDir, 'demo-relay');
  await rm(relayDir, { recursive: true, force: true });
  const relay = await startRelay({
    dataDir: relayDir,
    port: 0,
    host: '127.0.0.1',
    allowlist: null,
    logger: logger('relay'),
    // One officer on loopback: nothing to rate-limit, and a large demo run must not be throttled.
    rateLimit: { hooksPerMinute: null, pullPerMinute: null },
  });
  try {
    const keys = generateChannelKeyPair();
    const registration = await relay.addChannel(`demo-${randomBytes(4).toString('hex')}`, keys.publicKeyPem);
    const secrets = new MemorySecretStore();
    await secrets.set(profile, 'channel-private-key', keys.privateKeyPem);
    await secrets.set(profile, 'relay-token', registration.pullToken);
    await secrets.set(profile, 'relay-callback-url', registration.callbackBaseUrl);
    return {
      url: relay.url,
      channel: registration.channel,
      callbackBaseUrl: registration.callbackBaseUrl,
      secrets,
      relay,
      client: (db, tuning = {}) =>
        new RelayClient({
          db,
          relayUrl: relay.url,
          channel: registration.channel,
          pullToken: registration.pullToken,
          privateKeyPem: keys.privateKeyPem,
          callbackBaseUrl: registration.callbackBaseUrl,
          ...tuning,
        }),
      stop: () => relay.close(),
    };
  } catch (error) {
    await relay.close();
    throw error;
  }
}
