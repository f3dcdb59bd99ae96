// Builds the SecurityCredential Daraja asks for: the initiator password encrypted with the
// public key of Safaricom's certificate (RSA PKCS#1 v1.5), base64.
import { X509Certificate, constants, publicEncrypt } from 'node:crypto';
import { ValidationError } from '../../shared/errors';

/** Encrypts the initiator password for the SecurityCredential field. Accepts a PEM or DER certificate. */
export function encryptSecurityCredential(password: string, certificatePem: string | Uint8Array): string {
  if (password.length === 0) throw new ValidationError('The initiator password is empty.');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(typeof certificatePem === 'string' ? certificatePem : Buffer.from(certificatePem));
  } catch {
    throw new ValidationError('The M-Pesa certificate could not be read: it is not an X.509 certificate (PEM or DER).');
  }
  // Fresh random padding on every call, so the same password never gives the same credential.
  return publicEncrypt(
    { key: certificate.publicKey, padding: constants.RSA_PKCS1_PADDING },
    Buffer.from(password, 'utf8'),
  ).toString('base64');
}
