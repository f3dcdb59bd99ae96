// Sealed envelopes for relay events: what the relay stores can only be read with the channel's
// private key, which never leaves the employer's desktop. Pure Node crypto, no server dependencies.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
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

/** An X25519 public key in SPKI form is a fixed 12-byte header followed by the raw 32 bytes. */
const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'spki' });
  return Buffer.from(der.subarray(der.length - 32));
}

function publicKeyFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_X25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** Parses and checks a channel public key (PEM); throws a plain Error naming the problem. */
export function parsePublicKey(publicKeyPem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(publicKeyPem);
  } catch {
    throw new Error('the channel public key is not a readable PEM public key');
  }
  if (key.asymmetricKeyType !== 'x25519') throw new Error('the channel public key must be an X25519 key');
  return key;
}

function deriveKey(shared: Buffer, epkRaw: Buffer, channelRaw: Buffer): Buffer {
  // Salt binds the key to both public halves, so an envelope cannot be re-targeted to another key.
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([epkRaw, channelRaw]), SEALING_INFO, 32));
}

/** Seals `plaintext` (UTF-8 text, normally JSON) to the channel public key. */
export function seal(publicKeyPem: string | KeyObject, plaintext: string): SealedEnvelope {
  const channelKey = typeof publicKeyPem === 'string' ? parsePublicKey(publicKeyPem) : publicKeyPem;
  const ephemeral = generateKeyPairSync('x25519');
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: channelKey });
  const epkRaw = rawPublicKey(ephemeral.publicKey);
  const key = deriveKey(shared, epkRaw, rawPublicKey(channelKey));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { v: 1, epk: epkRaw.toString('base64'), iv: iv.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

function decodeField(value: unknown, name: string, length?: number): Buffer {
  if (typeof value !== 'string') throw new Error(`sealed envelope: ${name} missing`);
  const buf = Buffer.from(value, 'base64');
  if (length !== undefined && buf.length !== length) throw new Error(`sealed envelope: ${name} has the wrong length`);
  return buf;
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
  const privateKey = typeof privateKeyPem === 'string' ? createPrivateKey(privateKeyPem) : privateKeyPem;
  if (privateKey.asymmetricKeyType !== 'x25519') throw new Error('the channel private key must be an X25519 key');
  const channelPublic = createPublicKey(privateKey);
  const shared = diffieHellman({ privateKey, publicKey: publicKeyFromRaw(epkRaw) });
  const key = deriveKey(shared, epkRaw, rawPublicKey(channelPublic));
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
}
