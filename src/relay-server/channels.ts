// Channel administration: one channel per employer profile. Creates the callback path secret and
// the pull token (shown once, stored only as hashes), checks names against the words Safaricom
// refuses in callback URLs, authenticates presented secrets in constant time, and sets the
// owner's C2B validation rules.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseC2bRules, type C2bRules } from './c2b-rules';
import { parsePublicKey } from './sealing';
import type { ChannelRecord, RelayStore } from './store';

/** What `channel add` and `channel rotate` print once; the relay keeps only hashes. */
export interface ChannelCredentials {
  channel: string;
  /** `{publicUrl}/hooks/{channel}/{secret}`; append `/{kind}` for each callback URL. */
  callbackBaseUrl: string;
  pullToken: string;
}

export interface ChannelSummary {
  channel: string;
  owner: string | null;
  createdAt: string;
  /** null: every C2B validation is accepted. */
  c2bRules: C2bRules | null;
}

/** Safaricom refuses callback URLs containing these words (docs/relay.md#how-it-works). */
const forbiddenWords = ['mpesa', 'safaricom', 'query', 'sql', 'cmd', 'exe'];

export class ChannelError extends Error {
  constructor(
    message: string,
    readonly reason: 'invalid' | 'exists' | 'not-found',
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

export function checkChannelName(name: string): void {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name)) {
    throw new ChannelError(
      'channel name: 1-63 lower-case letters, digits or dashes, starting with a letter or digit',
      'invalid',
    );
  }
  const word = forbiddenWords.find((w) => name.includes(w));
  if (word)
    throw new ChannelError(`channel name must not contain "${word}": Safaricom refuses such callback URLs`, 'invalid');
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time: both sides are hashed to equal length before timingSafeEqual. */
export function matchesHash(presented: string, storedHash: Buffer): boolean {
  return storedHash.length === 32 && timingSafeEqual(sha256(presented), storedHash);
}

/**
 * Hex secrets: the alphabet 0-9a-f cannot spell any word Safaricom refuses in callback URLs,
 * which base64 could do by chance.
 */
function newSecret(): string {
  return randomBytes(32).toString('hex');
}

function callbackBaseUrl(publicUrl: string, channel: string, secret: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/hooks/${channel}/${secret}`;
}

/** An owner is a label an operator with many customers files channels under: printable, 1-100 characters. */
export function checkOwner(owner: string): void {
  if (owner.length < 1 || owner.length > 100 || /[\p{Cc}\p{Cf}]/u.test(owner) || owner.trim() !== owner) {
    throw new ChannelError('owner: 1-100 printable characters, no leading or trailing spaces', 'invalid');
  }
}

export async function addChannel(
  store: RelayStore,
  name: string,
  publicKeyPem: string,
  publicUrl: string,
  owner: string | null = null,
): Promise<ChannelCredentials> {
  checkChannelName(name);
  if (owner !== null) checkOwner(owner);
  try {
    parsePublicKey(publicKeyPem);
  } catch (error) {
    throw new ChannelError((error as Error).message, 'invalid');
  }
  if (await store.channel(name)) throw new ChannelError(`channel ${name} already exists`, 'exists');
  const secret = newSecret();
  const pullToken = newSecret();
  const record: ChannelRecord = {
    id: name,
    owner,
    publicKeyPem: publicKeyPem.trim() + '\n',
    secretHash: sha256(secret),
    tokenHash: sha256(pullToken),
    createdAt: new Date().toISOString(),
    c2bRules: null,
  };
  try {
    await store.createChannel(record);
  } catch {
    // Two admins adding the same name at once: the primary key decides.
    throw new ChannelError(`channel ${name} already exists`, 'exists');
  }
  return { channel: name, callbackBaseUrl: callbackBaseUrl(publicUrl, name, secret), pullToken };
}

/** New secret and token; the old ones stop working at once. */
export async function rotateChannel(store: RelayStore, name: string, publicUrl: string): Promise<ChannelCredentials> {
  const secret = newSecret();
  const pullToken = newSecret();
  if (!(await store.replaceChannelCredentials(name, sha256(secret), sha256(pullToken)))) {
    throw new ChannelError(`no channel ${name}`, 'not-found');
  }
  return { channel: name, callbackBaseUrl: callbackBaseUrl(publicUrl, name, secret), pullToken };
}

export async function removeChannel(store: RelayStore, name: string): Promise<void> {
  if (!(await store.removeChannel(name))) throw new ChannelError(`no channel ${name}`, 'not-found');
}

/** Every channel, or only those of `owner`. */
export async function listChannels(store: RelayStore, owner?: string): Promise<ChannelSummary[]> {
  return (await store.channels())
    .filter((c) => owner === undefined || c.owner === owner)
    .map((c) => ({ channel: c.id, owner: c.owner, createdAt: c.createdAt, c2bRules: c.c2bRules }));
}

/** Checks the rules and replaces the channel's with them; null removes them. Returns what is stored. */
export async function setChannelRules(store: RelayStore, name: string, rules: unknown): Promise<C2bRules | null> {
  let checked: C2bRules | null = null;
  try {
    if (rules !== null) checked = parseC2bRules(rules);
  } catch (error) {
    throw new ChannelError(`C2B rules for ${name}: ${(error as Error).message}`, 'invalid');
  }
  if (!(await store.setC2bRules(name, checked))) throw new ChannelError(`no channel ${name}`, 'not-found');
  return checked;
}

/** The channel a pull token belongs to. Every channel is compared, so timing reveals nothing. */
export async function channelForToken(store: RelayStore, token: string): Promise<ChannelRecord | undefined> {
  let found: ChannelRecord | undefined;
  const presented = sha256(token);
  for (const c of await store.channels()) {
    if (timingSafeEqual(presented, c.tokenHash)) found = c;
  }
  return found;
}
