// What is known about the initiator certificate, from evidence rather than its printed dates:
// Daraja accepts Safaricom's published certificates long after they expire (REFERENCE §8.2, §15
// item 7), so an expired date alone is no reason to warn. The evidence is the results that needed
// the SecurityCredential: ResultCode 0 means M-Pesa decrypted it; 2001 ("the initiator information
// is invalid") means it refused the initiator name, password or certificate.
import type { ProfileDatabase } from '../db';

export type CertificateStanding = 'valid' | 'not_yet_valid' | 'expired_accepted' | 'expired_untested' | 'refused';

export interface CertificateEvidence {
  /** The last result that needed the initiator credential and succeeded (ISO instant). */
  lastAcceptedAt: string | null;
  /** The last result where M-Pesa refused the initiator credential (ResultCode 2001). */
  lastRefusedAt: string | null;
}

// Results that carry the SecurityCredential's verdict. STK is not among them: its 2001 is a wrong PIN.
const credentialResultKinds = "('b2c-result', 'balance-result', 'status-result', 'reversal-result')";

function latestWithCode(db: ProfileDatabase, code: string): string | null {
  const row = db
    .prepare(
      `SELECT max(received_at) AS at FROM inbox
        WHERE kind IN ${credentialResultKinds} AND json_valid(body)
          AND CAST(json_extract(body, '$.Result.ResultCode') AS TEXT) = ?`,
    )
    .get(code) as { at: string | null };
  return row.at;
}

export function certificateEvidence(db: ProfileDatabase): CertificateEvidence {
  return { lastAcceptedAt: latestWithCode(db, '0'), lastRefusedAt: latestWithCode(db, '2001') };
}

/** One word for what is known: a refusal newer than any acceptance is the only ground for a warning. */
export function certificateStanding(
  validity: { validFrom: Date; validTo: Date },
  evidence: CertificateEvidence,
  now: number = Date.now(),
): CertificateStanding {
  const { lastAcceptedAt, lastRefusedAt } = evidence;
  if (lastRefusedAt !== null && (lastAcceptedAt === null || lastRefusedAt > lastAcceptedAt)) return 'refused';
  if (now < validity.validFrom.getTime()) return 'not_yet_valid';
  if (now <= validity.validTo.getTime()) return 'valid';
  return lastAcceptedAt === null ? 'expired_untested' : 'expired_accepted';
}
