// Phone numbers are kept as 12-digit MSISDNs (2547XXXXXXXX / 2541XXXXXXXX), docs/architecture.md#money-and-phone-numbers. Parsing is
// done by libphonenumber-js; whether a number is on Safaricom comes from the prefix data file.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import prefixData from '../../resources/safaricom-prefixes.json';

export type Msisdn = string;

export type PhoneResult = { ok: true; msisdn: Msisdn } | { ok: false; reason: string };

const safaricomPrefixes: readonly string[] = prefixData.prefixes;

/** Accepts 07…, 01…, 7…, 1…, +254…, 254… with spaces, dashes or dots. */
export function parseKenyanPhone(input: string | number): PhoneResult {
  const raw = String(input).trim();
  if (raw === '') return { ok: false, reason: 'Phone number is empty' };
  if (!/^[+\d][\d\s\-.()]*$/.test(raw)) {
    return { ok: false, reason: `"${raw}" is not a phone number (only digits, spaces, dashes and a leading +)` };
  }
  let digits = raw.replace(/[\s\-.()]/g, '');
  if (/^[71]\d{8}$/.test(digits)) digits = `0${digits}`;
  if (/^254\d{9}$/.test(digits)) digits = `+${digits}`;
  const parsed = parsePhoneNumberFromString(digits, 'KE');
  if (!parsed || parsed.countryCallingCode !== '254') {
    return { ok: false, reason: `"${raw}" is not a Kenyan phone number` };
  }
  if (!parsed.isValid()) return { ok: false, reason: `"${raw}" is not a valid Kenyan phone number` };
  const type = parsed.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') {
    return { ok: false, reason: `"${raw}" is not a Kenyan mobile number` };
  }
  return { ok: true, msisdn: `254${parsed.nationalNumber}` };
}

export function isSafaricomMsisdn(msisdn: Msisdn): boolean {
  return /^254\d{9}$/.test(msisdn) && safaricomPrefixes.some((p) => msisdn.startsWith(p));
}

/** Parses a number and insists it is on Safaricom's network, as M-Pesa B2C requires. */
export function parseSafaricomPhone(input: string | number): PhoneResult {
  const result = parseKenyanPhone(input);
  if (!result.ok) return result;
  if (!isSafaricomMsisdn(result.msisdn)) {
    return { ok: false, reason: `${result.msisdn} is not a Safaricom M-Pesa number` };
  }
  return result;
}

/** 254712345678 → "0712 345 678", as people in Kenya write it. */
export function formatMsisdn(msisdn: Msisdn): string {
  const local = `0${msisdn.slice(3)}`;
  return `${local.slice(0, 4)} ${local.slice(4, 7)} ${local.slice(7)}`;
}
