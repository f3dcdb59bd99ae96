// The zod building blocks for Daraja's callback quirks: numbers as strings and strings as numbers,
// amounts to cents, Nairobi timestamps to instants, "254… - NAME" parties, one-or-many lists.
import { z } from 'zod';
import { parseKes, type Cents } from '../../../shared/money';
import { parseDarajaTime } from '../../../shared/time';

const missingOr = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined || issue.input === null
    ? 'is missing'
    : `must be ${what}, got ${describeInput(issue.input)}`;

function describeInput(input: unknown): string {
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'string') return `"${input.length > 40 ? `${input.slice(0, 40)}…` : input}"`;
  if (typeof input === 'object') return 'an object';
  return String(input);
}

/** Text that Daraja may send as a JSON number (PhoneNumber, receipts in odd samples). */
export const text = z
  .union([z.string(), z.number()], { error: missingOr('text or a number') })
  .transform((value) => String(value).trim());

/** Text that must be there and not blank (ids Daraja always sends). */
export const requiredText = text.refine((value) => value !== '', { message: 'is empty' });

/** Like text, but blank counts as absent (C2B sends "" for fields it has nothing for). */
export const optionalText = z
  .union([z.string(), z.number(), z.null()], { error: missingOr('text or a number') })
  .optional()
  .transform((value) => {
    const trimmed = value === undefined || value === null ? '' : String(value).trim();
    return trimmed === '' ? null : trimmed;
  });

/**
 * ResultCode / ResultType: 0, "0", 2001, "R000002", "SFC_IC0003". All-digit codes lose leading
 * zeros ("00000000" is "0") so that comparisons are plain string equality.
 */
export const resultCode = text.transform((value, ctx) => {
  if (value === '') {
    ctx.addIssue({ code: 'custom', message: 'is empty', input: value });
    return z.NEVER;
  }
  return normaliseResultCode(value);
});

export function normaliseResultCode(code: string): string {
  return /^\d+$/.test(code) ? BigInt(code).toString() : code;
}

/** A shilling amount ("300", 1.00, "-1540.00") as integer cents. */
export const cents = z
  .union([z.number(), z.string()], { error: missingOr('an amount') })
  .transform((value, ctx): Cents => {
    try {
      return parseKes(value);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `must be an amount in shillings, got ${describeInput(value)}`,
        input: value,
      });
      return z.NEVER;
    }
  });

/** A Daraja timestamp (yyyyMMddHHmmss as number or string, or dd.MM.yyyy HH:mm:ss), Nairobi time. */
export const instant = z
  .union([z.number(), z.string()], { error: missingOr('a time') })
  .transform((value, ctx): Date => {
    const parsed = parseDarajaTime(value);
    if (parsed === null) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a time as yyyyMMddHHmmss or dd.MM.yyyy HH:mm:ss, got ${describeInput(value)}`,
        input: value,
      });
      return z.NEVER;
    }
    return parsed;
  });

/** Daraja sends a single object where a list has one element (ReferenceItem, sometimes Item). */
export function oneOrMany<T extends z.ZodType>(item: T) {
  return z
    .union([z.array(item), item], { error: missingOr('an object or a list') })
    .transform((value) => (Array.isArray(value) ? (value as z.output<T>[]) : [value as z.output<T>]));
}

export interface Party {
  /** As Daraja wrote it: "254705912645 - NICHOLAS JOHN SONGOK". */
  publicName: string;
  /** The 12-digit MSISDN when the left part is one, else null (a shortcode, a masked number). */
  msisdn: string | null;
  /** The part after " - ", or the whole text when there is no separator. */
  name: string;
}

/** Splits "<MSISDN or shortcode> - <NAME>" (REFERENCE §0). */
export function splitParty(publicName: string): Party {
  const separator = publicName.indexOf(' - ');
  if (separator < 0) {
    const bare = publicName.trim();
    return { publicName, msisdn: /^254\d{9}$/.test(bare) ? bare : null, name: /^254\d{9}$/.test(bare) ? '' : bare };
  }
  const left = publicName.slice(0, separator).trim();
  return { publicName, msisdn: /^254\d{9}$/.test(left) ? left : null, name: publicName.slice(separator + 3).trim() };
}

/** "Working Account" keys compare without spaces and case: "Conversation ID" is "ConversationID". */
export function normaliseKey(key: string): string {
  return key.replace(/\s+/g, '').toLowerCase();
}

/**
 * Renames an object's keys to the spellings a schema expects ("Originator Conversation ID" →
 * "OriginatorConversationID", "Occassion" → "Occasion"); other keys pass through untouched.
 */
export function canonicalKeys(expected: readonly string[], aliases: Record<string, string> = {}) {
  const lookup = new Map<string, string>();
  for (const key of expected) lookup.set(normaliseKey(key), key);
  for (const [alias, key] of Object.entries(aliases)) lookup.set(normaliseKey(alias), key);
  return (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const renamed: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      const canonical = lookup.get(normaliseKey(key)) ?? key;
      // The first spelling wins when a body carries both ("ConversationID" and "Conversation ID").
      if (!(canonical in renamed)) renamed[canonical] = field;
    }
    return renamed;
  };
}

/** An object schema that accepts its keys in any spacing or case, plus aliases. */
export function looseObject<Shape extends z.ZodRawShape>(shape: Shape, aliases: Record<string, string> = {}) {
  return z.preprocess(canonicalKeys(Object.keys(shape), aliases), z.object(shape, { error: missingOr('an object') }));
}
