import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { generateChannelKeyPair, open, seal, Sealer, type SealedEnvelope } from '../../src/relay-server/sealing';

function flip(b64: string, index = 0): string {
  const buf = Buffer.from(b64, 'base64');
  buf[index] = (buf[index] ?? 0) ^ 0x01;
  return buf.toString('base64');
}

describe('sealing', () => {
  const keys = generateChannelKeyPair();
  const plaintext = JSON.stringify({ kind: 'b2c-result', body: '{"PartyB":"254705912645","Amount":1500}' });

  it('opens what it sealed, from the object or its JSON text', () => {
    const envelope = seal(keys.publicKeyPem, plaintext);
    expect(envelope.v).toBe(1);
    expect(Buffer.from(envelope.epk, 'base64')).toHaveLength(32);
    expect(open(keys.privateKeyPem, envelope)).toBe(plaintext);
    expect(open(keys.privateKeyPem, JSON.stringify(envelope))).toBe(plaintext);
    expect(envelope.ct).not.toContain('254705912645');
  });

  it('accepts keys as openssl writes them', () => {
    const privatePem = execFileSync('openssl', ['genpkey', '-algorithm', 'X25519']).toString();
    const publicPem = execFileSync('openssl', ['pkey', '-pubout'], { input: privatePem }).toString();
    expect(open(privatePem, seal(publicPem, plaintext))).toBe(plaintext);
  });

  it('uses a fresh ephemeral key and nonce each time', () => {
    const a = seal(keys.publicKeyPem, plaintext);
    const b = seal(keys.publicKeyPem, plaintext);
    expect(a.epk).not.toBe(b.epk);
    expect(a.ct).not.toBe(b.ct);
  });

  it.each<[string, (e: SealedEnvelope) => SealedEnvelope]>([
    ['ciphertext', (e) => ({ ...e, ct: flip(e.ct, 5) })],
    ['tag', (e) => ({ ...e, tag: flip(e.tag) })],
    ['iv', (e) => ({ ...e, iv: flip(e.iv) })],
    ['ephemeral key', (e) => ({ ...e, epk: flip(e.epk, 3) })],
  ])('refuses an envelope whose %s was altered', (_field, alter) => {
    const envelope = seal(keys.publicKeyPem, plaintext);
    expect(() => open(keys.privateKeyPem, alter(envelope))).toThrow();
  });

  it('cannot be opened with another channel key', () => {
    const other = generateChannelKeyPair();
    expect(() => open(other.privateKeyPem, seal(keys.publicKeyPem, plaintext))).toThrow(/authentication failed/);
  });

  it('refuses a public key that is not X25519', () => {
    const ed = execFileSync('openssl', ['genpkey', '-algorithm', 'ED25519']).toString();
    const edPublic = execFileSync('openssl', ['pkey', '-pubout'], { input: ed }).toString();
    expect(() => seal(edPublic, plaintext)).toThrow(/X25519/);
    expect(() => seal('not a key', plaintext)).toThrow(/PEM/);
  });

  it('a Sealer shares an ephemeral key for a bounded number of envelopes, each still sealed on its own', () => {
    const sealer = new Sealer(keys.publicKeyPem, { maxUses: 3 });
    const envelopes = [1, 2, 3, 4].map((i) => sealer.seal(`{"i":${i}}`));
    expect(new Set(envelopes.slice(0, 3).map((e) => e.epk)).size).toBe(1);
    expect(envelopes[3]!.epk).not.toBe(envelopes[0]!.epk);
    // Under one ephemeral key every envelope has its own nonce; no (key, nonce) pair ever repeats.
    expect(new Set(envelopes.slice(0, 3).map((e) => e.iv)).size).toBe(3);
    expect(new Set(envelopes.map((e) => `${e.epk}/${e.iv}`)).size).toBe(4);
    expect(envelopes.map((e) => open(keys.privateKeyPem, e))).toEqual(['{"i":1}', '{"i":2}', '{"i":3}', '{"i":4}']);
    // Opening is cached per ephemeral key, but every envelope's tag is still checked.
    expect(() => open(keys.privateKeyPem, { ...envelopes[1]!, ct: flip(envelopes[1]!.ct) })).toThrow(
      /authentication failed/,
    );
    // The nonce is a 32-bit count: a key may not be used for more envelopes than it can number.
    expect(() => new Sealer(keys.publicKeyPem, { maxUses: 2 ** 32 + 1 })).toThrow(/2\^32/);
    // Splicing one envelope's ciphertext under another's tag fails too.
    expect(() => open(keys.privateKeyPem, { ...envelopes[0]!, tag: envelopes[1]!.tag })).toThrow(
      /authentication failed/,
    );
  });
});
