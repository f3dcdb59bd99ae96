// Turns the contract's input checks into words a payroll officer reads beside the field: the
// schema's own message where it has one, otherwise a plain sentence for the kind of problem. No
// field names, codes or symbols reach the person; the path travels beside the message for the form.
import type { z } from 'zod';
import type { ContractError, FieldIssue } from '../../shared/contract';

type RawIssue = z.core.$ZodRawIssue;

function kindOf(expected: unknown): string {
  switch (expected) {
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'string':
      return 'text';
    case 'boolean':
      return 'yes or no';
    case 'array':
      return 'a list';
    case 'object':
      return 'a set of values';
    default:
      return 'a value of another kind';
  }
}

/** The per-call error map: used only where a schema gave no message of its own. */
export function plainIssueMessage(issue: RawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null) return 'This is required';
      return issue.path?.length ? `This must be ${kindOf(issue.expected)}` : 'Mshahara expected a set of values here';
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (issue.origin === 'string') return minimum <= 1 ? 'This is required' : `Write at least ${minimum} characters`;
      if (issue.origin === 'array') return minimum <= 1 ? 'Choose at least one' : `Choose at least ${minimum}`;
      return issue.inclusive ? `This must be ${minimum} or more` : `This must be more than ${minimum}`;
    }
    case 'too_big': {
      const maximum = Number(issue.maximum);
      if (issue.origin === 'string') return `Write at most ${maximum} characters`;
      if (issue.origin === 'array') return `Choose at most ${maximum}`;
      return issue.inclusive ? `This must be ${maximum} or less` : `This must be less than ${maximum}`;
    }
    case 'invalid_value':
      return `Choose one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return 'This is not written the way Mshahara expects';
    case 'not_multiple_of':
      return 'This must be a whole number';
    case 'unrecognized_keys':
      return `Mshahara does not know ${issue.keys.length === 1 ? 'the field' : 'the fields'} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    case 'invalid_union':
      return 'This is not one of the choices Mshahara knows';
    default:
      return 'This value is not accepted';
  }
}

/** "defaultAmountCents" → "Default amount": a field's name as words, for a message shown away from its form. */
function fieldWords(path: FieldIssue['path']): string | undefined {
  const name = [...path].reverse().find((part): part is string => typeof part === 'string');
  if (name === undefined) return undefined;
  const words = name
    .replace(/(Cents|Id|Base64)$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function sentence(issue: FieldIssue): string {
  const field = fieldWords(issue.path);
  return field === undefined ? issue.message : `${field}: ${issue.message}`;
}

/** The validation answer for refused input: every issue with its path, and one plain sentence for toasts and the CLI. */
export function validationError(error: z.ZodError): ContractError {
  const issues: FieldIssue[] = error.issues.map((issue) => ({
    path: issue.path.map((part) => (typeof part === 'number' ? part : String(part))),
    message: issue.message,
  }));
  const [first] = issues;
  const message =
    issues.length === 1 && first
      ? `${sentence(first)}.`
      : `${issues.length} things need changing: ${issues.map(sentence).join('; ')}.`;
  return { kind: 'validation', message: message.replace(/\.\.$/, '.'), issues };
}
