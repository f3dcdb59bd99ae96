// C2B validation rules a paybill owner sets per channel (docs/relay.md#how-it-works): which shortcodes, account
// numbers and amounts the relay accepts on the owner's behalf while the desktop may be offline.
// Rules are checked when they are set and compiled once per channel record; deciding is pure.
import { RE2JS } from 're2js';
import { z } from 'zod';
import { parseKes, type Cents } from '../shared/money';

/** What is stored per channel; every rule is optional, and a payment must pass all that are set. */
export interface C2bRules {
  /** BusinessShortCode must be one of these, else C2B00015 Invalid Shortcode. */
  shortcodes?: string[];
  /**
   * A Pay Bill's BillRefNumber must match the whole pattern, else C2B00012 Invalid Account Number.
   * RE2 syntax, matched in linear time (no backreferences or lookaround): a customer chooses the
   * account number, so no pattern may let one stall the relay. Buy Goods payments carry no account
   * number and are not checked against it.
   */
  accountPattern?: string;
  /** Whole shillings, inclusive; TransAmount outside is C2B00013 Invalid Amount. */
  minAmount?: number;
  maxAmount?: number;
}

/** '0' accepts; the others are Daraja's rejection codes (REFERENCE §7.3). */
export type C2bResultCode = '0' | 'C2B00012' | 'C2B00013' | 'C2B00015' | 'C2B00016';

/** What the relay answered a C2B validation, and why (sealed with the callback for the desktop). */
export interface C2bDecision {
  resultCode: C2bResultCode;
  reason: string;
}

export type C2bCheck = (document: unknown) => C2bDecision;

/** A pattern is set by the relay operator; the cap keeps a pasted mistake small. */
export const MAX_PATTERN_LENGTH = 200;
/** Daraja's BillRefNumber is at most 20 characters (REFERENCE §7.3); a longer one is refused. */
export const MAX_ACCOUNT_LENGTH = 20;

/** The whole account number must match, alternatives included. */
function compileAccountPattern(pattern: string): RE2JS {
  return RE2JS.compile(`^(?:${pattern})$`);
}

function compilesAsPattern(pattern: string, ctx: z.RefinementCtx): void {
  try {
    compileAccountPattern(pattern);
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `is not a regular expression the relay can match in linear time (${(error as Error).message})`,
    });
  }
}

const wholeShillings = z
  .number({ error: 'must be a whole number of shillings' })
  .int({ error: 'must be a whole number of shillings' })
  .min(0, { error: 'must not be negative' });

const rulesSchema = z
  .strictObject(
    {
      shortcodes: z
        .array(
          z.string().regex(/^\d{1,10}$/, {
            error: (issue) => `${JSON.stringify(issue.input)} is not a shortcode (digits only, at most 10)`,
          }),
        )
        .min(1, { error: 'needs at least one shortcode' })
        .transform((codes) => [...new Set(codes)])
        .optional(),
      accountPattern: z
        .string()
        .min(1, { error: 'must not be empty' })
        .max(MAX_PATTERN_LENGTH, { error: `is longer than ${MAX_PATTERN_LENGTH} characters` })
        .superRefine(compilesAsPattern)
        .optional(),
      minAmount: wholeShillings.optional(),
      maxAmount: wholeShillings.optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys' ? `unknown rule ${issue.keys.join(', ')}` : 'rules must be an object',
    },
  )
  .refine((rules) => Object.values(rules).some((value) => value !== undefined), {
    error: 'at least one rule is needed (shortcodes, accountPattern, minAmount or maxAmount)',
  })
  .refine(
    (rules) => rules.minAmount === undefined || rules.maxAmount === undefined || rules.minAmount <= rules.maxAmount,
    {
      error: (issue) => {
        const rules = issue.input as C2bRules;
        return `minAmount ${rules.minAmount} is above maxAmount ${rules.maxAmount}`;
      },
    },
  );

/** Checks rules as given (by the CLI, or read back from a store); throws an Error naming each problem. */
export function parseC2bRules(input: unknown): C2bRules {
  const parsed = rulesSchema.safeParse(input);
  if (!parsed.success) {
    // The rule's name only: a shortcode's position in the list says less than the shortcode itself.
    throw new Error(
      parsed.error.issues
        .map((issue) => (issue.path.length > 0 ? `${String(issue.path[0])}: ${issue.message}` : issue.message))
        .join('; '),
    );
  }
  return parsed.data;
}

/** The fields the rules look at; Daraja sends them as strings, older samples as numbers. */
const c2bDocument = z.object({
  TransID: z.union([z.string(), z.number()]).refine((id) => String(id).trim() !== '', { error: 'is empty' }),
  TransAmount: z.union([z.string(), z.number()]).transform((amount, ctx): Cents => {
    try {
      return parseKes(amount);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not an amount' });
      return z.NEVER;
    }
  }),
  BusinessShortCode: z.union([z.string(), z.number()]).transform((code) => String(code).trim()),
  TransactionType: z.string().optional(),
  // Till (Buy Goods) payments carry no account number.
  BillRefNumber: z
    .union([z.string(), z.number(), z.null()])
    .optional()
    .transform((ref) => (ref === undefined || ref === null ? '' : String(ref))),
});

const kes = (cents: Cents): string => (cents / 100).toFixed(2);

export function accepted(reason: string): C2bDecision {
  return { resultCode: '0', reason: `accepted: ${reason}` };
}

/** Turns checked rules into a decision on one validation document. Throws if the rules are not valid. */
export function compileC2bRules(stored: C2bRules): C2bCheck {
  const rules = parseC2bRules(stored);
  const shortcodes = rules.shortcodes ? new Set(rules.shortcodes) : null;
  const account = rules.accountPattern === undefined ? null : compileAccountPattern(rules.accountPattern);
  const minCents = rules.minAmount === undefined ? null : rules.minAmount * 100;
  const maxCents = rules.maxAmount === undefined ? null : rules.maxAmount * 100;

  return (input) => {
    const parsed = c2bDocument.safeParse(input);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].join(', ');
      return {
        resultCode: 'C2B00016',
        reason: `not a C2B payment document: ${fields === '' ? 'not a JSON object' : `${fields} missing or unreadable`}`,
      };
    }
    const payment = parsed.data;
    if (shortcodes && !shortcodes.has(payment.BusinessShortCode)) {
      return {
        resultCode: 'C2B00015',
        reason: `BusinessShortCode ${payment.BusinessShortCode} is not one of ${[...shortcodes].join(', ')}`,
      };
    }
    const hasAccount = account !== null && payment.TransactionType?.trim().toLowerCase() !== 'buy goods';
    if (hasAccount && payment.BillRefNumber.length > MAX_ACCOUNT_LENGTH) {
      return { resultCode: 'C2B00012', reason: `BillRefNumber is longer than ${MAX_ACCOUNT_LENGTH} characters` };
    }
    if (hasAccount && !account.matches(payment.BillRefNumber)) {
      return {
        resultCode: 'C2B00012',
        reason: `BillRefNumber ${JSON.stringify(payment.BillRefNumber)} does not match the account pattern`,
      };
    }
    if (minCents !== null && payment.TransAmount < minCents) {
      return {
        resultCode: 'C2B00013',
        reason: `TransAmount KES ${kes(payment.TransAmount)} is below the minimum of KES ${rules.minAmount}`,
      };
    }
    if (maxCents !== null && payment.TransAmount > maxCents) {
      return {
        resultCode: 'C2B00013',
        reason: `TransAmount KES ${kes(payment.TransAmount)} is above the maximum of KES ${rules.maxAmount}`,
      };
    }
    return accepted("within the channel's C2B rules");
  };
}
