// Builds the SecurityCredential Daraja asks for: the initiator password encrypted with the
// public key of Safaricom's certificate (RSA PKCS#1 v1.5), base64.
import { constants, publicEncrypt } from 'node:crypto';
import { ValidationError } from '../../shared/errors';
import { parseCertificate } from './certificate';

/** Encrypts the initiator password for the SecurityCredential field. Accepts a PEM or DER certificate. */
export function encryptSecurityCredential(password: string, certificatePem: string | Uint8Array): string {
  if (password.length === 0) throw new ValidationError('The initiator password is empty.');
  const certificate = parseCertificate(certificatePem, 'The M-Pesa certificate');
  // Fresh random padding on every call, so the same password never gives the same credential.
  return publicEncrypt(
    { key: certificate.publicKey, padding: constants.RSA_PKCS1_PADDING },
    Buffer.from(password, 'utf8'),
  ).toString('base64');
}
