// The CLI's exit codes and its one error for a command line it cannot understand, plus the
// parseArgs wrapper every command shares (unknown flags and missing values are usage errors).
import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * 0 done; 1 an error or a refusal, with a readable message; 2 the command line itself is wrong;
 * 3 a payroll run waits for approval by someone else (pay says which run and who).
 */
export const exitCodes = { ok: 0, error: 1, usage: 2, approvalNeeded: 3 } as const;

/** The command line itself is wrong: exit 2 with the command's help. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly help: string,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes. */
export const commonOptions = {
  profile: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export function parseCommand<const O extends Options>(args: string[], options: O, help: string) {
  try {
    return parseArgs({ args, options: { ...commonOptions, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), help);
  }
}

/** A whole positive number from a flag, or a usage error naming the flag. */
export function positiveNumber(value: string | undefined, flag: string, help: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} takes a positive number, got "${value}"`, help);
  return n;
}

export function integerOption(
  value: string | undefined,
  flag: string,
  help: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, got "${value}"`, help);
  return n;
}

export const defaultProfileName = 'demo';
