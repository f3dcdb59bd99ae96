// The simulator's own RSA key pair and self-signed certificate, and the check of every
// SecurityCredential (initiator password encrypted with PKCS#1 v1.5, base64, REFERENCE §8).
import crypto from 'node:crypto';
import { generate } from 'selfsigned';

export interface CredentialKeys {
  certificatePem: string;
  privateKey: crypto.KeyObject;
}

/** A fresh 2048-bit key pair and certificate per start; clients fetch it from /simulator/certificate. */
export async function createCredentialKeys(): Promise<CredentialKeys> {
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: 'apicrypt.mshahara-simulator.local' }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 365 * 24 * 3600 * 1000),
  });
  return { certificatePem: pems.cert, privateKey: crypto.createPrivateKey(pems.private) };
}

/**
 * Decrypts a SecurityCredential. Node 20.11+/22/24 refuse PKCS#1 v1.5 private decryption
 * (CVE-2023-46809, a timing attack that does not matter for a local test double), so we decrypt
 * raw (RSA_NO_PADDING, still allowed everywhere) and remove the v1.5 type-2 padding ourselves.
 */
export function decryptCredential(credential: string, privateKey: crypto.KeyObject): string | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credential)) return null;
  const cipher = Buffer.from(credential, 'base64');
  const modulusBytes = Math.ceil((privateKey.asymmetricKeyDetails?.modulusLength ?? 2048) / 8);
  if (cipher.length !== modulusBytes) return null;
  let block: Buffer;
  try {
    block = crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_NO_PADDING }, cipher);
  } catch {
    return null;
  }
  // EM = 0x00 || 0x02 || PS (at least 8 non-zero bytes) || 0x00 || message
  if (block[0] !== 0x00 || block[1] !== 0x02) return null;
  const separator = block.indexOf(0x00, 2);
  if (separator < 10) return null;
  return block.subarray(separator + 1).toString('utf8');
}

/** True when the credential decrypts to exactly the expected initiator password. */
export function credentialMatches(credential: string, privateKey: crypto.KeyObject, password: string): boolean {
  const plain = decryptCredential(credential, privateKey);
  if (plain === null) return false;
  const a = Buffer.from(plain, 'utf8');
  const b = Buffer.from(password, 'utf8');
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
