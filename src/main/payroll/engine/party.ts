// Does the party M-Pesa says it paid name the number Mshahara asked it to pay? M-Pesa writes the
// number in several forms (REFERENCE §0, §2.4, §4): "254708374149 - NAME", the local
// "0708374149 - NAME", and masked "2547****149 - NAME" or "254708***149 - NAME". A masked number
// matches when its visible digits agree with ours at both ends.

export type PartyCheck = 'match' | 'mismatch' | 'absent';

/** The digits (and mask stars) M-Pesa shows before " - NAME", in the 254… form where it can tell. */
function shownNumber(publicName: string): string | null {
  const separator = publicName.indexOf(' - ');
  const left = (separator < 0 ? publicName : publicName.slice(0, separator)).replace(/[\s-]/g, '');
  if (!/^\+?[0-9*]{6,15}$/.test(left)) return null;
  const bare = left.replace(/^\+/, '');
  if (bare.startsWith('0')) return `254${bare.slice(1)}`;
  if (/^[17]/.test(bare) && bare.length === 9) return `254${bare}`;
  return bare;
}

/**
 * Compares the number we paid (12-digit MSISDN) with what M-Pesa reported: the parsed MSISDN when
 * the callback parser found one, otherwise the public name as shown.
 */
export function checkParty(phone: string, reportedMsisdn: string | null, publicName: string | null): PartyCheck {
  if (reportedMsisdn !== null) return reportedMsisdn === phone ? 'match' : 'mismatch';
  if (publicName === null) return 'absent';
  const shown = shownNumber(publicName);
  if (shown === null) return 'absent';
  if (!shown.includes('*')) return shown === phone ? 'match' : 'mismatch';
  const first = shown.indexOf('*');
  const last = shown.lastIndexOf('*');
  const head = shown.slice(0, first);
  const tail = shown.slice(last + 1);
  // Too little shown to tell anything: at least five digits must be visible.
  if (head.length + tail.length < 5 || shown.length > phone.length + 2) return 'absent';
  return phone.startsWith(head) && phone.endsWith(tail) && head.length + tail.length <= phone.length ? 'match' : 'mismatch';
}
