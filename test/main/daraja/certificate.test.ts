import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  bundledCertificatePath,
  certificateInfo,
  loadCertificate,
  resourcesDirectory,
} from '../../../src/main/daraja/certificate';
import { encryptSecurityCredential } from '../../../src/main/daraja/credential';
import { ValidationError } from '../../../src/shared/errors';

const tempDir = mkdtempSync(join(tmpdir(), 'mshahara-cert-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

function thrownBy(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('shipped certificates (REFERENCE §8.2)', () => {
  it('sandbox: apicrypt.safaricom.co.ke, 2014-11-12 → 2016-11-11, shown as expired', () => {
    const { info } = loadCertificate(bundledCertificatePath('sandbox'));
    expect(info.fingerprint256).toBe(
      'A5:42:C3:C6:7B:59:8A:33:7A:1C:C7:41:E5:43:4C:70:DE:56:50:81:E5:C8:53:E0:5A:51:C8:43:76:47:66:F0',
    );
    expect(info.validFrom.toISOString()).toBe('2014-11-12T07:12:45.000Z');
    expect(info.validTo.toISOString()).toBe('2016-11-11T07:12:45.000Z');
    expect(info.serialNumber).toBe('32FAEE940000000446E4');
    expect(info.subject).toContain('CN=apicrypt.safaricom.co.ke');
    expect(info.issuer).toContain('CN=Safaricom Internal Issuing CA 02');
    expect(info.keyBits).toBe(2048);
    expect(info.expired).toBe(true);
  });

  it('production: apigee.apicaller.safaricom.co.ke, 2017-04-25 → 2018-03-21', () => {
    const { info } = loadCertificate(bundledCertificatePath('production'));
    expect(info.fingerprint256).toBe(
      '94:17:91:52:12:AC:70:8D:3A:C8:2B:71:0E:71:D9:76:FA:0E:B7:83:F4:67:B1:59:C1:5A:D7:21:6E:F2:C1:6B',
    );
    expect(info.validFrom.toISOString()).toBe('2017-04-25T16:07:24.000Z');
    expect(info.validTo.toISOString()).toBe('2018-03-21T13:20:13.000Z');
    expect(info.serialNumber).toBe('5DF069E60000003FA136');
    expect(info.subject).toContain('CN=apigee.apicaller.safaricom.co.ke');
    expect(info.keyBits).toBe(2048);
  });

  it('an expired certificate still encrypts (Daraja accepts it)', () => {
    const { pem } = loadCertificate(bundledCertificatePath('production'));
    expect(encryptSecurityCredential('Safaricom999!*!', pem)).toHaveLength(344);
  });

  it('reads DER as well as PEM, with the same fingerprint', () => {
    const pem = readFileSync(bundledCertificatePath('sandbox'), 'utf8');
    const der = new X509Certificate(pem).raw;
    expect(certificateInfo(der).fingerprint256).toBe(certificateInfo(pem).fingerprint256);
  });

  it('a certificate still in date is not expired', async () => {
    const pems = await generate([{ name: 'commonName', value: 'fresh' }], { keySize: 2048 });
    const info = certificateInfo(pems.cert);
    expect(info.expired).toBe(false);
    expect(info.subject).toBe('CN=fresh');
  });
});

describe('refusing files that are not usable certificates', () => {
  it('an HTML login page saved as .cer is refused with a readable message', () => {
    const path = join(tempDir, 'ProductionCertificate.cer');
    writeFileSync(path, '<!DOCTYPE html><html><head><title>Daraja | Login</title></head><body>Sign in</body></html>');
    const error = thrownBy(() => loadCertificate(path));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(path);
    expect(error.message).toContain('not an X.509 certificate');
    expect(error.message).toContain('web page');
  });

  it('a certificate with an EC key is refused: M-Pesa needs RSA', async () => {
    const pems = await generate([{ name: 'commonName', value: 'ec' }], { keyType: 'ec', curve: 'P-256' });
    const error = thrownBy(() => certificateInfo(pems.cert));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/ec key.*RSA/);
    expect(() => encryptSecurityCredential('pw', pems.cert)).toThrow(ValidationError);
  });

  it('a missing file is a ValidationError naming the file', () => {
    const path = join(tempDir, 'nowhere.cer');
    const error = thrownBy(() => loadCertificate(path));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(path);
  });

  it('an empty input is refused', () => {
    expect(thrownBy(() => certificateInfo('')).message).toContain('empty');
  });
});

describe('bundledCertificatePath', () => {
  const saved = process.env['MSHAHARA_RESOURCES_DIR'];
  afterEach(() => {
    if (saved === undefined) delete process.env['MSHAHARA_RESOURCES_DIR'];
    else process.env['MSHAHARA_RESOURCES_DIR'] = saved;
  });

  it('finds resources/certs in the source tree', () => {
    delete process.env['MSHAHARA_RESOURCES_DIR'];
    expect(bundledCertificatePath('sandbox')).toBe(
      join(import.meta.dirname, '../../../resources/certs/SandboxCertificate.cer'),
    );
    expect(bundledCertificatePath('production').endsWith(join('resources', 'certs', 'ProductionCertificate.cer'))).toBe(
      true,
    );
  });

  it('follows MSHAHARA_RESOURCES_DIR when set', () => {
    const resources = join(tempDir, 'packaged-resources');
    mkdirSync(join(resources, 'certs'), { recursive: true });
    process.env['MSHAHARA_RESOURCES_DIR'] = resources;
    expect(resourcesDirectory()).toBe(resources);
    expect(bundledCertificatePath('production')).toBe(join(resources, 'certs', 'ProductionCertificate.cer'));
  });
});
