// Sealed envelopes for relay events: what the relay stores can only be read with the channel's
// private key, which never leaves the employer's desktop. Pure Node crypto, no server dependencies.
import type { C2bDecision } from './c2b-rules';
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';

export const SEALING_INFO = 'mshahara-relay-v1';

/** What the relay stores per event: everything needed to open it with the channel private key. */
export interface SealedEnvelope {
  v: 1;
  /** Ephemeral X25519 public key, raw 32 bytes, base64. */
  epk: string;
  /** AES-GCM nonce, 12 bytes, base64. */
  iv: string;
  /** Ciphertext, base64. */
  ct: string;
  /** AES-GCM tag, 16 bytes, base64. */
  tag: string;
}

// JWK export/import, not DER: several times cheaper, and sealing runs once per callback.
const rawCache = new WeakMap<KeyObject, Buffer>();

function rawPublicKey(key: KeyObject): Buffer {
  let raw = rawCache.get(key);
  if (!raw) {
    const { x } = key.export({ format: 'jwk' });
    if (typeof x !== 'string') throw new Error('not an X25519 public key');
    raw = Buffer.from(x, 'base64url');
    rawCache.set(key, raw);
  }
  return raw;
}

function publicKeyFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/** PEM parsing costs more than the sealing itself; callers usually reuse one key, so keep the last. */
let lastPublic: { pem: string; key: KeyObject } | undefined;
let lastPrivate: { pem: string; key: KeyObject; raw: Buffer } | undefined;

/** Parses and checks a channel public key (PEM); throws a plain Error naming the problem. */
export function parsePublicKey(publicKeyPem: string): KeyObject {
  if (lastPublic?.pem === publicKeyPem) return lastPublic.key;
  let key: KeyObject;
  try {
    key = createPublicKey(publicKeyPem);
  } catch {
    throw new Error('the channel public key is not a readable PEM public key');
  }
  if (key.asymmetricKeyType !== 'x25519') throw new Error('the channel public key must be an X25519 key');
  lastPublic = { pem: publicKeyPem, key };
  return key;
}

function deriveKey(shared: Buffer, epkRaw: Buffer, channelRaw: Buffer): Buffer {
  // Salt binds the key to both public halves, so an envelope cannot be re-targeted to another key.
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([epkRaw, channelRaw]), SEALING_INFO, 32));
}

interface Ephemeral {
  epk: string;
  key: Buffer;
  /** Envelopes sealed under this key so far: the next one's nonce. */
  sealed: number;
}

function newEphemeral(channelKey: KeyObject): Ephemeral {
  const ephemeral = generateKeyPairSync('x25519');
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: channelKey });
  const epkRaw = rawPublicKey(ephemeral.publicKey);
  return { epk: epkRaw.toString('base64'), key: deriveKey(shared, epkRaw, rawPublicKey(channelKey)), sealed: 0 };
}

function encrypt(ephemeral: Ephemeral, plaintext: string): SealedEnvelope {
  // The nonce counts envelopes under this key (as HPKE's sequence number does): every key is fresh
  // from its own ephemeral agreement, so no (key, nonce) pair is ever used twice.
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(ephemeral.sealed++, 8);
  const cipher = createCipheriv('aes-256-gcm', ephemeral.key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    v: 1,
    epk: ephemeral.epk,
    iv: iv.toString('base64'),
    ct: ct.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/** Seals `plaintext` (UTF-8 text, normally JSON) to the channel public key, with a fresh ephemeral key. */
export function seal(publicKeyPem: string | KeyObject, plaintext: string): SealedEnvelope {
  const channelKey = typeof publicKeyPem === 'string' ? parsePublicKey(publicKeyPem) : publicKeyPem;
  return encrypt(newEphemeral(channelKey), plaintext);
}

/**
 * Seals many envelopes to one channel, reusing an ephemeral key for a short while (by default
 * 1,000 envelopes or 10 seconds) instead of one key agreement per envelope: the key agreement
 * costs more than the rest of a callback's handling. The ephemeral private key never leaves
 * memory and is dropped at rotation; envelopes stay independent (own nonce, own tag).
 */
export class Sealer {
  readonly #channelKey: KeyObject;
  readonly #maxUses: number;
  readonly #maxAgeMs: number;
  #current: (Ephemeral & { since: number }) | undefined;

  constructor(publicKeyPem: string | KeyObject, options: { maxUses?: number; maxAgeMs?: number } = {}) {
    this.#channelKey = typeof publicKeyPem === 'string' ? parsePublicKey(publicKeyPem) : publicKeyPem;
    this.#maxUses = options.maxUses ?? 1000;
    // The nonce counts envelopes under one key in 32 bits.
    if (!Number.isInteger(this.#maxUses) || this.#maxUses < 1 || this.#maxUses > 2 ** 32)
      throw new Error('a Sealer key may seal between 1 and 2^32 envelopes');
    this.#maxAgeMs = options.maxAgeMs ?? 10_000;
  }

  seal(plaintext: string): SealedEnvelope {
    const now = Date.now();
    if (!this.#current || this.#current.sealed >= this.#maxUses || now - this.#current.since >= this.#maxAgeMs) {
      this.#current = { ...newEphemeral(this.#channelKey), since: now };
    }
    return encrypt(this.#current, plaintext);
  }
}

function decodeField(value: unknown, name: string, length?: number): Buffer {
  if (typeof value !== 'string') throw new Error(`sealed envelope: ${name} missing`);
  const buf = Buffer.from(value, 'base64');
  if (length !== undefined && buf.length !== length) throw new Error(`sealed envelope: ${name} has the wrong length`);
  return buf;
}

const privateRawCache = new WeakMap<KeyObject, Buffer>();

function privateKeyOf(privateKey: string | KeyObject): { key: KeyObject; raw: Buffer } {
  if (typeof privateKey === 'string' && lastPrivate?.pem === privateKey) return lastPrivate;
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  if (key.asymmetricKeyType !== 'x25519') throw new Error('the channel private key must be an X25519 key');
  let raw = privateRawCache.get(key);
  if (!raw) privateRawCache.set(key, (raw = rawPublicKey(createPublicKey(key))));
  if (typeof privateKey === 'string') lastPrivate = { pem: privateKey, key, raw };
  return { key, raw };
}

/** Derived keys by (channel key, ephemeral key): envelopes from one Sealer share one agreement. */
const openingKeys = new Map<string, Buffer>();

function openingKey(channel: { key: KeyObject; raw: Buffer }, epkRaw: Buffer): Buffer {
  const id = channel.raw.toString('base64') + epkRaw.toString('base64');
  let key = openingKeys.get(id);
  if (!key) {
    const shared = diffieHellman({ privateKey: channel.key, publicKey: publicKeyFromRaw(epkRaw) });
    key = deriveKey(shared, epkRaw, channel.raw);
    if (openingKeys.size >= 256) openingKeys.delete(openingKeys.keys().next().value as string);
    openingKeys.set(id, key);
  }
  return key;
}

/**
 * Opens an envelope (object or its JSON text) with the channel private key (PEM). Throws if the
 * envelope was altered or sealed to another key: GCM authentication fails.
 */
export function open(privateKeyPem: string | KeyObject, envelope: SealedEnvelope | string): string {
  const env: unknown = typeof envelope === 'string' ? JSON.parse(envelope) : envelope;
  if (typeof env !== 'object' || env === null || (env as { v?: unknown }).v !== 1) {
    throw new Error('sealed envelope: unknown version');
  }
  const e = env as Record<string, unknown>;
  const epkRaw = decodeField(e.epk, 'epk', 32);
  const iv = decodeField(e.iv, 'iv', 12);
  const ct = decodeField(e.ct, 'ct');
  const tag = decodeField(e.tag, 'tag', 16);
  const key = openingKey(privateKeyOf(privateKeyPem), epkRaw);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('sealed envelope: authentication failed (altered, or sealed to another key)');
  }
}

/** A fresh channel key pair in PEM (what `openssl genpkey -algorithm X25519` writes). */
export function generateChannelKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return {
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** The plaintext the relay seals for each received callback. */
export interface RelayEventPlaintext {
  kind: string;
  receivedAt: string;
  sourceIp: string;
  headers: Record<string, string>;
  /** The raw request body exactly as received (JSON text). */
  body: string;
  /** C2B validations only: what the relay answered Daraja, and why. */
  validation?: C2bDecision;
}
