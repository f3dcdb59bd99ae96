// A profile's own Daraja certificate: checked to be one, then kept in the profile's folder, where
// profile.json points to it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificateInfo } from '../daraja/certificate';
import type { CertificateChoice } from './profile';
import { profileFolder } from './store';

export function keepProfileCertificate(dataRoot: string, profileName: string, bytes: Uint8Array): CertificateChoice {
  certificateInfo(bytes); // throws a ValidationError naming the problem when it is not an RSA certificate
  const folder = profileFolder(profileName, dataRoot);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const path = join(folder, 'daraja-certificate.cer');
  writeFileSync(path, bytes);
  return { path };
}
