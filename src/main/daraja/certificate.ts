// Reads Safaricom's X.509 certificates (the ones shipped with Mshahara or one an admin picks) and
// describes them for the settings screen; refuses files that are not RSA certificates.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '../../shared/errors';

export type DarajaEnvironment = 'sandbox' | 'production';

export interface CertificateInfo {
  subject: string;
  issuer: string;
  serialNumber: string;
  /** SHA-256 of the DER certificate, "AA:BB:…" upper-case. */
  fingerprint256: string;
  validFrom: Date;
  validTo: Date;
  /** Shown, not refused: Daraja still accepts its long-expired certificates (REFERENCE §8.2). */
  expired: boolean;
  keyBits: number;
}

/** Parses a PEM or DER certificate and checks that it carries an RSA key. */
export function parseCertificate(pemOrDer: string | Uint8Array, source = 'The file'): X509Certificate {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(typeof pemOrDer === 'string' ? pemOrDer : Buffer.from(pemOrDer));
  } catch {
    throw new ValidationError(`${source} is not an X.509 certificate (PEM or DER). ${hintFor(pemOrDer)}`.trim());
  }
  const keyType = certificate.publicKey.asymmetricKeyType;
  if (keyType !== 'rsa') {
    throw new ValidationError(
      `${source} holds a ${keyType ?? 'unknown'} key; M-Pesa needs a certificate with an RSA key.`,
    );
  }
  return certificate;
}

/** What the settings screen shows about a certificate. */
export function certificateInfo(pemOrDer: string | Uint8Array, now: Date = new Date()): CertificateInfo {
  return describe(parseCertificate(pemOrDer), now);
}

/** Reads a certificate file; a missing file or non-certificate is a ValidationError naming the file. */
export function loadCertificate(path: string): { pem: string; info: CertificateInfo } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new ValidationError(`The certificate file ${path} could not be read.`, { cause });
  }
  const certificate = parseCertificate(bytes, `The file ${path}`);
  return { pem: certificate.toString(), info: describe(certificate, new Date()) };
}

/** Path of the Safaricom certificate shipped with Mshahara for an environment. */
export function bundledCertificatePath(environment: DarajaEnvironment): string {
  const fileName = certificateFileName(environment);
  return join(resourcesDirectory(), 'certs', fileName);
}

function certificateFileName(environment: DarajaEnvironment): string {
  switch (environment) {
    case 'sandbox':
      return 'SandboxCertificate.cer';
    case 'production':
      return 'ProductionCertificate.cer';
    default: {
      const unexpected: never = environment;
      throw new ValidationError(`Unknown environment ${String(unexpected)}`);
    }
  }
}

/**
 * The resources folder: MSHAHARA_RESOURCES_DIR when set (tests), else the nearest `resources/certs`
 * above this module (`from`), which holds in the source tree, in a bundled build and in the
 * installed app, whose resources sit beside app.asar (electron-builder.config.ts).
 */
export function resourcesDirectory(from: string = dirname(fileURLToPath(import.meta.url))): string {
  const fromEnv = process.env['MSHAHARA_RESOURCES_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  let folder = from;
  for (;;) {
    const candidate = join(folder, 'resources');
    if (existsSync(join(candidate, 'certs'))) return candidate;
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  throw new ValidationError('The Mshahara resources folder was not found; set MSHAHARA_RESOURCES_DIR.');
}

function describe(certificate: X509Certificate, now: Date): CertificateInfo {
  const validFrom = new Date(certificate.validFrom);
  const validTo = new Date(certificate.validTo);
  return {
    subject: oneLine(certificate.subject),
    issuer: oneLine(certificate.issuer),
    serialNumber: certificate.serialNumber.toUpperCase(),
    fingerprint256: certificate.fingerprint256.toUpperCase(),
    validFrom,
    validTo,
    expired: validTo.getTime() < now.getTime(),
    keyBits: certificate.publicKey.asymmetricKeyDetails?.modulusLength ?? 0,
  };
}

// Node prints subjects one attribute per line; the screen wants "C=KE, ST=Nairobi, …".
function oneLine(distinguishedName: string): string {
  return distinguishedName
    .split('\n')
    .filter((part) => part !== '')
    .join(', ');
}

// A downloaded "certificate" is often a portal login page; say so rather than only "invalid".
function hintFor(pemOrDer: string | Uint8Array): string {
  const head = (typeof pemOrDer === 'string' ? pemOrDer : Buffer.from(pemOrDer.subarray(0, 512)).toString('latin1'))
    .slice(0, 512)
    .toLowerCase();
  if (head.includes('<html') || head.includes('<!doctype')) {
    return 'It looks like a web page (perhaps a login page saved instead of the certificate); download the .cer file again.';
  }
  if (head.includes('private key')) return "It is a private key; Mshahara needs Safaricom's public certificate.";
  if (pemOrDer.length === 0) return 'It is empty.';
  return '';
}
