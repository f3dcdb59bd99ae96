// Where a refused call's problems go on a form: each field's plain message beside that field
// (Mantine's `error` prop), and only what belongs to no field of the form in the alert below it.
import { ContractFailure } from '../api';

/** A form's own checks (before anything is sent), by field name. */
export type LocalErrors = Partial<Record<string, string>>;

/** The plain message for `field` (the last name in an issue's path), from the core or from the form's own checks. */
export function fieldError(error: unknown, field: string, local: LocalErrors = {}): string | undefined {
  const own = local[field];
  if (own !== undefined) return own;
  if (!(error instanceof ContractFailure)) return undefined;
  return error.issues.find((issue) => lastName(issue.path) === field)?.message;
}

function lastName(path: readonly (string | number)[]): string | undefined {
  return [...path].reverse().find((part): part is string => typeof part === 'string');
}

/**
 * What is left for the alert under a form once `fields` show their own messages: the error itself
 * when no issue belongs to one of them, the issues of other fields when some do, nothing when all do.
 */
export function formProblem(error: unknown, fields: readonly string[]): unknown {
  if (!(error instanceof ContractFailure) || error.issues.length === 0) return error;
  const elsewhere = error.issues.filter((issue) => !fields.includes(lastName(issue.path) ?? ''));
  if (elsewhere.length === error.issues.length) return error;
  if (elsewhere.length === 0) return undefined;
  return new Error(elsewhere.map((issue) => issue.message).join('; '));
}
