// The few named kinds of error that cross Mshahara (docs/architecture.md#errors). Across the contract they travel as
// { ok: false, error: { kind, message, code? } }; inside a process they are thrown.

export type ErrorKind = 'validation' | 'not_found' | 'conflict' | 'forbidden' | 'daraja' | 'unavailable' | 'internal';

export abstract class MshaharaError extends Error {
  abstract readonly kind: ErrorKind;
  readonly code: string | undefined;
  constructor(message: string, options?: { code?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = options?.code;
  }
  toJSON(): { kind: ErrorKind; message: string; code?: string } {
    return this.code === undefined
      ? { kind: this.kind, message: this.message }
      : { kind: this.kind, message: this.message, code: this.code };
  }
}

export class ValidationError extends MshaharaError {
  override name = 'ValidationError';
  readonly kind = 'validation' as const;
  /** The input field the rule refused (["amountLimits", "minCents"]), for the form to show the message beside it. */
  readonly field: (string | number)[] | undefined;
  constructor(message: string, options?: { code?: string; cause?: unknown; field?: (string | number)[] }) {
    super(message, options);
    this.field = options?.field;
  }
  override toJSON(): ReturnType<MshaharaError['toJSON']> & {
    issues?: { path: (string | number)[]; message: string }[];
  } {
    const plain = super.toJSON();
    return this.field === undefined ? plain : { ...plain, issues: [{ path: this.field, message: this.message }] };
  }
}

export class NotFoundError extends MshaharaError {
  override name = 'NotFoundError';
  readonly kind = 'not_found' as const;
}

export class ConflictError extends MshaharaError {
  override name = 'ConflictError';
  readonly kind = 'conflict' as const;
}

/**
 * The caller may not do this: nobody is signed in (code `sign_in_needed`), or their roles do not
 * allow it (code `role_needed`). The message names the role needed and who is asking.
 */
export class ForbiddenError extends MshaharaError {
  override name = 'ForbiddenError';
  readonly kind = 'forbidden' as const;
}

/** A service Mshahara depends on (the OS keychain, the relay) is not there. */
export class UnavailableError extends MshaharaError {
  override name = 'UnavailableError';
  readonly kind = 'unavailable' as const;
}

export class InternalError extends MshaharaError {
  override name = 'InternalError';
  readonly kind = 'internal' as const;
}

/** Daraja refused or failed a request; `message` is the plain-language explanation, `action` what to do. */
export class DarajaError extends MshaharaError {
  override name = 'DarajaError';
  readonly kind = 'daraja' as const;
  readonly action: string | undefined;
  constructor(message: string, options?: { code?: string; action?: string; cause?: unknown }) {
    super(message, options);
    this.action = options?.action;
  }
}
