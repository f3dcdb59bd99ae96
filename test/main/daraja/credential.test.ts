import { X509Certificate, constants, privateDecrypt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { beforeAll, describe, expect, it } from 'vitest';
import { encryptSecurityCredential } from '../../../src/main/daraja/credential';
import { ValidationError } from '../../../src/shared/errors';

const sandboxPem = readFileSync(join(import.meta.dirname, '../../../resources/certs/SandboxCertificate.cer'), 'utf8');

// Node 20.11+ refuses privateDecrypt with PKCS#1 v1.5 padding (CVE-2023-46809), so the test
// decrypts without padding and strips the v1.5 block (00 02 <random non-zero> 00 <message>) itself.
function decryptPkcs1(credential: string, privateKeyPem: string): string {
  const block = privateDecrypt(
    { key: privateKeyPem, padding: constants.RSA_NO_PADDING },
    Buffer.from(credential, 'base64'),
  );
  expect(block[0]).toBe(0x00);
  expect(block[1]).toBe(0x02);
  const separator = block.indexOf(0x00, 2);
  expect(separator).toBeGreaterThanOrEqual(10); // at least 8 bytes of random padding
  return block.subarray(separator + 1).toString('utf8');
}

describe('encryptSecurityCredential', () => {
  let certPem = '';
  let privateKeyPem = '';
  beforeAll(async () => {
    const pems = await generate([{ name: 'commonName', value: 'Mshahara test initiator' }], { keySize: 2048 });
    certPem = pems.cert;
    privateKeyPem = pems.private;
  });

  it('decrypts back to the initiator password with the matching private key (PEM certificate)', () => {
    const credential = encryptSecurityCredential('Safaricom999!*!', certPem);
    expect(decryptPkcs1(credential, privateKeyPem)).toBe('Safaricom999!*!');
  });

  it('accepts a DER certificate too', () => {
    const der = new X509Certificate(certPem).raw;
    const credential = encryptSecurityCredential('pässwörd 2024', der);
    expect(decryptPkcs1(credential, privateKeyPem)).toBe('pässwörd 2024');
  });

  it('gives 344 base64 characters with the shipped sandbox certificate', () => {
    const credential = encryptSecurityCredential('Safaricom999!*!', sandboxPem);
    expect(credential).toHaveLength(344);
    expect(credential).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(credential, 'base64')).toHaveLength(256);
  });

  it('is different every time (random padding)', () => {
    const a = encryptSecurityCredential('Safaricom999!*!', sandboxPem);
    const b = encryptSecurityCredential('Safaricom999!*!', sandboxPem);
    expect(a).not.toBe(b);
  });

  it('refuses something that is not a certificate, without echoing the password', () => {
    let error: unknown;
    try {
      encryptSecurityCredential('TopSecret#1', '<html><body>Login</body></html>');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(String((error as Error).message)).not.toContain('TopSecret');
  });

  it('refuses an empty password', () => {
    expect(() => encryptSecurityCredential('', sandboxPem)).toThrow(ValidationError);
  });
});
