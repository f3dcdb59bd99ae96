// Setting a profile up with the companion relay: its channel key pair (private half in the keychain),
// registration (paste the public key into `channel add`, or one step with the admin token), where the
// channel is kept, and the Daraja callback URLs built from it.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../../shared/errors';
import { generateChannelKeyPair } from '../../../relay-server/sealing';
import type { CallbackKind } from '../../daraja/callbacks';
import type { ProfileDatabase } from '../../db';
import type { SecretStore } from '../../secrets/secret-store';
import { RelayClient, type RelayClientOptions } from './client';
import { parseRegistration, registerChannel, relayBaseUrl, type ChannelRegistration } from './relay-http';

type Profile = Parameters<SecretStore['get']>[0];

/** Not secret, so kept in the profile database: which relay and which channel on it. */
export interface RelaySettings {
  relayUrl: string;
  channel: string;
}

const settingsKey = 'relay';
const settingsSchema = z.object({ relayUrl: z.string().min(1), channel: z.string().min(1) });

/**
 * The profile's channel public key (PEM) to paste into `channel add --public-key`. Creates the key
 * pair on first use and keeps the private half in the keychain; later calls show the same key.
 */
export async function channelPublicKey(
  secrets: SecretStore,
  profile: Profile,
  options: { replace?: boolean } = {},
): Promise<string> {
  const existing = options.replace === true ? undefined : await secrets.get(profile, 'channel-private-key');
  if (existing !== undefined) return publicKeyOf(existing);
  const pair = generateChannelKeyPair();
  await secrets.set(profile, 'channel-private-key', pair.privateKeyPem);
  return pair.publicKeyPem;
}

/** The public half of a channel private key, as PEM. */
export function publicKeyOf(privateKeyPem: string): string {
  return createPublicKey(createPrivateKey(privateKeyPem)).export({ format: 'pem', type: 'spki' }).toString();
}

/**
 * One-step setup with the relay operator's admin token: makes (or reuses) the key pair, registers
 * the channel, and keeps what the relay answered. The admin token itself is used once and not kept.
 */
export async function registerProfileChannel(input: {
  db: ProfileDatabase;
  secrets: SecretStore;
  profile: Profile;
  relayUrl: string;
  adminToken: string;
  /** What the relay operator sees in `channel list`, e.g. the employer's name. */
  channelName: string;
}): Promise<RelaySettings> {
  const publicKeyPem = await channelPublicKey(input.secrets, input.profile);
  const registration = await registerChannel(input.relayUrl, input.adminToken, input.channelName, publicKeyPem);
  return saveChannel({ ...input, registration });
}

/**
 * Keeps a channel's registration: the JSON that `channel add` printed (pasted by the officer) or the
 * one-step answer. The pull token and the callback base URL (it holds the channel secret) go to the
 * keychain; the relay address and channel id to the profile database.
 */
export async function saveChannel(input: {
  db: ProfileDatabase;
  secrets: SecretStore;
  profile: Profile;
  relayUrl: string;
  registration: ChannelRegistration;
}): Promise<RelaySettings> {
  const { db, secrets, profile, registration } = input;
  const relayUrl = relayBaseUrl(input.relayUrl);
  if (!(await secrets.has(profile, 'channel-private-key'))) {
    throw new ValidationError(
      'This profile has no channel key yet: show the public key first, then add the channel on the relay with it.',
    );
  }
  checkCallbackBase(registration.callbackBaseUrl, registration.channel);
  await secrets.set(profile, 'relay-token', registration.pullToken);
  await secrets.set(profile, 'relay-callback-url', registration.callbackBaseUrl.replace(/\/+$/, ''));
  const settings: RelaySettings = { relayUrl, channel: registration.channel };
  const before = relaySettings(db);
  if (before !== null && (before.relayUrl !== relayUrl || before.channel !== settings.channel)) {
    // Another relay or channel: the position on the old one means nothing there.
    db.prepare('DELETE FROM relay_cursor WHERE channel = ?').run(before.channel);
  }
  db.prepare(
    `INSERT INTO settings (key, value) VALUES (?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
  ).run(settingsKey, JSON.stringify(settings));
  return settings;
}

/** Keeps the registration the relay operator's `channel add` printed (pasted as JSON). */
export async function saveRegistrationJson(input: {
  db: ProfileDatabase;
  secrets: SecretStore;
  profile: Profile;
  relayUrl: string;
  registrationJson: string;
}): Promise<RelaySettings> {
  return saveChannel({ ...input, registration: parseRegistration(input.registrationJson) });
}

/** The profile's relay, or null when none is set up (callbacks then use the loopback receiver). */
export function relaySettings(db: ProfileDatabase): RelaySettings | null {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(settingsKey) as { value: string } | undefined;
  if (!row) return null;
  const parsed = settingsSchema.safeParse(JSON.parse(row.value));
  return parsed.success ? parsed.data : null;
}

/** Builds the profile's RelayClient from the database and the keychain. */
export async function relayClientFor(
  db: ProfileDatabase,
  secrets: SecretStore,
  profile: Profile,
  tuning: Pick<RelayClientOptions, 'waitSeconds' | 'batchSize' | 'retry' | 'onReach'> = {},
): Promise<RelayClient> {
  const settings = relaySettings(db);
  if (!settings) throw new NotFoundError('No relay is set up for this profile.');
  const [privateKeyPem, pullToken, callbackBaseUrl] = await Promise.all([
    secrets.get(profile, 'channel-private-key'),
    secrets.get(profile, 'relay-token'),
    secrets.get(profile, 'relay-callback-url'),
  ]);
  if (privateKeyPem === undefined || pullToken === undefined || callbackBaseUrl === undefined) {
    throw new NotFoundError(
      'The relay channel key, pull token or callback address is missing from the keychain; set the relay up again.',
    );
  }
  return new RelayClient({ db, ...settings, pullToken, privateKeyPem, callbackBaseUrl, ...tuning });
}

/** Every URL a Daraja request names for its answers, all pointing at the relay channel. */
export interface DarajaCallbackUrls {
  b2cResultUrl: string;
  b2cQueueTimeoutUrl: string;
  balanceResultUrl: string;
  statusResultUrl: string;
  reversalResultUrl: string;
  /** QueueTimeOutURL for balance, status and reversal requests. */
  queueTimeoutUrl: string;
  stkCallbackUrl: string;
  c2bValidationUrl: string;
  c2bConfirmationUrl: string;
}

/** From a callback source (RelayClient or the loopback receiver): the URLs the Daraja calls use. */
export function darajaCallbackUrls(source: { callbackUrl(kind: CallbackKind): string }): DarajaCallbackUrls {
  return {
    b2cResultUrl: source.callbackUrl('b2c-result'),
    b2cQueueTimeoutUrl: source.callbackUrl('b2c-timeout'),
    balanceResultUrl: source.callbackUrl('balance-result'),
    statusResultUrl: source.callbackUrl('status-result'),
    reversalResultUrl: source.callbackUrl('reversal-result'),
    queueTimeoutUrl: source.callbackUrl('timeout'),
    stkCallbackUrl: source.callbackUrl('stk'),
    c2bValidationUrl: source.callbackUrl('c2b-validation'),
    c2bConfirmationUrl: source.callbackUrl('c2b-confirmation'),
  };
}

// Daraja refuses callback URLs containing these words (REFERENCE, docs/relay.md#how-it-works), and a random channel
// secret can contain one by chance; better to say so at setup than to see every payment refused.
const refusedWords = ['mpesa', 'm-pesa', 'safaricom', 'query', 'sql', 'cmd', 'exe'];

function checkCallbackBase(callbackBaseUrl: string, channel: string): void {
  let url: URL;
  try {
    url = new URL(callbackBaseUrl);
  } catch {
    throw new ValidationError('The callback address the relay gave is not a URL; check what was pasted.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError('The callback address the relay gave must start with https://.');
  }
  if (!url.pathname.includes(`/hooks/${channel}/`)) {
    throw new ValidationError(`The callback address does not belong to channel ${channel}; check what was pasted.`);
  }
  const lower = callbackBaseUrl.toLowerCase();
  const word = refusedWords.find((w) => lower.includes(w));
  if (word !== undefined) {
    // The URL holds the channel secret: name the word, never the URL.
    throw new ValidationError(
      `Safaricom refuses callback addresses containing "${word}", and this channel's address does: rotate the channel on the relay and set it up again.`,
    );
  }
}
