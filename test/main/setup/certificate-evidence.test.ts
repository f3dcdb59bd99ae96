// The certificate warns only on evidence: an expired date with a later success is accepted, a
// refusal newer than every success is the one standing that warns.
import { describe, expect, it } from 'vitest';
import { certificateStanding } from '../../../src/main/setup/certificate-evidence';

const expired = { validFrom: new Date('2014-11-12T07:12:45Z'), validTo: new Date('2016-11-11T07:12:45Z') };
const now = Date.parse('2026-12-01T10:00:00Z');

describe('certificateStanding', () => {
  it('calls an expired certificate accepted when M-Pesa took it after its date', () => {
    expect(certificateStanding(expired, { lastAcceptedAt: '2026-11-30T08:00:00.000Z', lastRefusedAt: null }, now)).toBe(
      'expired_accepted',
    );
  });

  it('does not warn about an expired certificate nothing has tried yet', () => {
    expect(certificateStanding(expired, { lastAcceptedAt: null, lastRefusedAt: null }, now)).toBe('expired_untested');
  });

  it('warns when the last word from M-Pesa was a refusal, whatever the dates', () => {
    const valid = { validFrom: new Date('2025-01-01T00:00:00Z'), validTo: new Date('2030-01-01T00:00:00Z') };
    const refusedLast = { lastAcceptedAt: '2026-11-29T08:00:00.000Z', lastRefusedAt: '2026-11-30T08:00:00.000Z' };
    expect(certificateStanding(valid, refusedLast, now)).toBe('refused');
    expect(certificateStanding(expired, refusedLast, now)).toBe('refused');
  });

  it('forgives a refusal that a later success answered', () => {
    const acceptedLast = { lastAcceptedAt: '2026-11-30T09:00:00.000Z', lastRefusedAt: '2026-11-30T08:00:00.000Z' };
    expect(certificateStanding(expired, acceptedLast, now)).toBe('expired_accepted');
  });
});
