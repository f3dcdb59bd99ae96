// How M-Pesa names a party in a Transaction Status answer: "254708374149 - JOHN DOE", a mask, or a name.
import { parseKenyanPhone } from '../../shared/phone';

/** "254708374149 - JOHN DOE" as a phone and a name; either may be missing. */
export function partyOf(display: string | null): { phone: string | null; name: string | null } {
  if (display === null) return { phone: null, name: null };
  const [first = '', ...rest] = display.split(' - ');
  const parsed = parseKenyanPhone(first.trim());
  if (parsed.ok) return { phone: parsed.msisdn, name: rest.join(' - ').trim() || null };
  return { phone: null, name: display.trim() || null };
}
