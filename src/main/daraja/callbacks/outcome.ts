// Turns zod's issues into the one readable reason a callback parse gives back, with the field path.
import type { z } from 'zod';
import type { ParseResult } from './events';

export type PathSegment = PropertyKey;

export function failure(reason: string, path?: readonly PathSegment[]): ParseResult & { ok: false } {
  return path === undefined || path.length === 0
    ? { ok: false, error: { reason } }
    : { ok: false, error: { reason, path: formatPath(path) } };
}

/** "Result.ResultParameters.TransactionAmount must be an amount in shillings, got \"ten\"" */
export function fromZodError(error: z.ZodError, prefix: readonly PathSegment[] = []): ParseResult & { ok: false } {
  const issue = error.issues[0];
  if (issue === undefined) return failure('The callback body is not valid', prefix);
  const path = [...prefix, ...issue.path];
  const where = path.length === 0 ? 'The callback body' : formatPath(path);
  return failure(`${where} ${issue.message}`, path);
}

export function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((joined, segment) => {
    if (typeof segment === 'number') return `${joined}[${segment}]`;
    const name = String(segment);
    return joined === '' ? name : `${joined}.${name}`;
  }, '');
}
