// Who a refund pays: the payer of the original receipt, and nobody the evidence does not support.
// An STK row carries the clear number. A C2B row usually does not: M-Pesa showed a mask
// ("2547 ***** 126", v2) or the lower-case hex SHA-256 of the 12-digit number (v1, REFERENCE §7.3),
// so the admin types the number and it is checked against what M-Pesa showed.
import { createHash } from 'node:crypto';
import { ValidationError } from '../../shared/errors';
import { parseSafaricomPhone, type Msisdn } from '../../shared/phone';

export type PayerEvidence = 'clear' | 'masked' | 'hashed';

/** What the ledger row says about the payer's number. */
export type PayerShown =
  | { kind: 'clear'; phone: Msisdn }
  | { kind: 'masked'; mask: string }
  | { kind: 'hashed'; sha256: string }
  | { kind: 'none' };

const clearNumber = /^254[17]\d{8}$/;

/** Reads what M-Pesa showed: the row's clear phone, else its party display as a mask or a hash. */
export function payerShown(row: { phone: string | null; party_display: string | null }): PayerShown {
  if (row.phone !== null && clearNumber.test(row.phone)) return { kind: 'clear', phone: row.phone };
  const shown = (row.party_display ?? '').trim();
  if (/^[0-9a-f]{64}$/i.test(shown)) return { kind: 'hashed', sha256: shown.toLowerCase() };
  const compact = shown.replace(/\s+/g, '');
  const clearInDisplay = /^(254[17]\d{8})(\s*-.*)?$/.exec(shown);
  if (clearInDisplay?.[1] !== undefined) return { kind: 'clear', phone: clearInDisplay[1] };
  if (/^254[\d*]*\*[\d*]*\d$/.test(compact) && /\*/.test(compact)) return { kind: 'masked', mask: shown };
  return { kind: 'none' };
}

/**
 * Whether `msisdn` fits a mask. A mask as long as a number (12 characters without spaces) is
 * compared place by place; a shorter or longer run of stars hides an unknown count of digits, so
 * the visible digits must agree at both ends.
 */
export function fitsMask(msisdn: Msisdn, mask: string): boolean {
  const compact = mask.replace(/\s+/g, '');
  if (compact.length === msisdn.length) return [...compact].every((c, i) => c === '*' || c === msisdn[i]);
  const head = /^\d*/.exec(compact)?.[0] ?? '';
  const tail = /\d*$/.exec(compact)?.[0] ?? '';
  return head.length + tail.length <= msisdn.length && msisdn.startsWith(head) && msisdn.endsWith(tail);
}

export function sha256Of(msisdn: Msisdn): string {
  return createHash('sha256').update(msisdn).digest('hex');
}

/**
 * The number a refund pays, checked against what M-Pesa showed for the payment. A clear number is
 * the one paid (a typed one must be the same); a masked or hashed one needs the admin's number and
 * it must fit; a row with no number at all cannot be refunded by B2C.
 */
export function payerNumber(
  shown: PayerShown,
  typed: string | null | undefined,
): { phone: Msisdn; evidence: PayerEvidence } {
  const entered = typed === undefined || typed === null || typed.trim() === '' ? null : typed;
  let parsed: Msisdn | null = null;
  if (entered !== null) {
    const result = parseSafaricomPhone(entered);
    if (!result.ok) throw new ValidationError(result.reason, { field: ['phone'] });
    parsed = result.msisdn;
  }
  switch (shown.kind) {
    case 'clear':
      if (parsed !== null && parsed !== shown.phone)
        throw new ValidationError(
          `The number does not match the one M-Pesa showed for this payment: ${shown.phone}. A refund goes back to the number that paid.`,
          { field: ['phone'] },
        );
      return { phone: shown.phone, evidence: 'clear' };
    case 'masked':
      if (parsed === null)
        throw new ValidationError(
          `M-Pesa showed the payer's number only as ${shown.mask}: type the customer's full number to refund them.`,
          { field: ['phone'], code: 'number_needed' },
        );
      if (!fitsMask(parsed, shown.mask))
        throw new ValidationError(`The number does not match the one M-Pesa showed for this payment: ${shown.mask}`, {
          field: ['phone'],
          code: 'number_mismatch',
        });
      return { phone: parsed, evidence: 'masked' };
    case 'hashed':
      if (parsed === null)
        throw new ValidationError(
          "M-Pesa showed the payer's number only in coded form: type the customer's full number to refund them.",
          { field: ['phone'], code: 'number_needed' },
        );
      if (sha256Of(parsed) !== shown.sha256)
        throw new ValidationError(
          'The number does not match the one M-Pesa showed for this payment (in coded form): check it with the customer.',
          { field: ['phone'], code: 'number_mismatch' },
        );
      return { phone: parsed, evidence: 'hashed' };
    case 'none':
      throw new ValidationError(
        "M-Pesa showed no number for this payment's payer, so Mshahara cannot tell who to refund; refund them outside Mshahara.",
        { code: 'no_payer_number' },
      );
  }
}
