// Answers one contract call for any transport (Electron IPC, the browser host's WebSocket):
// validates the method, checks the caller may call it, validates the input, runs the handler, and
// turns every outcome into a ContractResult.
import type { z } from 'zod';
import {
  contractMethods,
  isMethodName,
  type ContractResult,
  type MethodName,
  type MethodOutput,
} from '../../shared/contract';
import type { Caller } from '../../shared/contract/access';
import { ForbiddenError, MshaharaError } from '../../shared/errors';
import { logger } from '../log';
import { accessRefusal } from './access';
import { Door, type PersonNow } from './door';
import { withCaller } from './call-scope';
import { plainIssueMessage, validationError } from './plain-issues';

export type ContractHandlers = {
  [M in MethodName]: (
    input: z.output<(typeof contractMethods)[M]['input']>,
  ) => Promise<MethodOutput<M>> | MethodOutput<M>;
};

const log = logger('contract');

/** Methods someone who must first set up a second factor may call: signing in and out, and the setup. */
const secondFactorSetup = new Set<string>(['account.enrolSecondFactor', 'account.confirmSecondFactor', 'account.me']);

/** The refusal for a person who must do one thing before anything else, or null. */
function firstThingFirst(method: string, person: PersonNow | null): ForbiddenError | null {
  if (person === null || method.startsWith('session.')) return null;
  if (person.mustChangePassword)
    return new ForbiddenError(
      `${person.caller.username} signed in with a password an admin handed over: choose your own password first.`,
      { code: 'must_change_password' },
    );
  if (person.mustEnrolSecondFactor && !secondFactorSetup.has(method))
    return new ForbiddenError(
      `Approvers on this profile use an authenticator app: ${person.caller.username} sets one up before anything else.`,
      { code: 'second_factor_needed' },
    );
  return null;
}

/** Where a call comes from: a door with its own sign-in, or a caller given directly (the CLI, tests). */
export type CallFrom = Door | Caller | null;

/**
 * Answers one call. A caller the method's access does not allow is refused with a ForbiddenError
 * before the input is read or the handler runs (docs/roles.md); someone signed in with a password
 * an admin handed over may only choose their own (session.changePassword) until they do.
 */
export async function callContract(
  handlers: ContractHandlers,
  method: unknown,
  input: unknown,
  from: CallFrom,
): Promise<ContractResult<unknown>> {
  if (!isMethodName(method)) {
    return {
      ok: false,
      error: { kind: 'validation', message: `Mshahara has no method called ${JSON.stringify(method)}.` },
    };
  }
  const door = from instanceof Door ? from : null;
  const person = door === null ? null : door.who();
  const caller = door === null ? (from as Caller | null) : (person?.caller ?? null);
  const refusal =
    firstThingFirst(method, person) ??
    accessRefusal(method, caller, { firstStart: () => door?.desk.isFirstStart() ?? false });
  if (refusal !== null) {
    log.warn({ method, username: caller?.username ?? null, code: refusal.code }, 'call refused');
    return { ok: false, error: refusal.toJSON() };
  }
  door?.touch();
  const schema = contractMethods[method];
  // The schema's own messages come first; plainIssueMessage words only the checks that have none.
  const parsed = schema.input.safeParse(input ?? {}, { error: plainIssueMessage });
  if (!parsed.success) return { ok: false, error: validationError(parsed.error) };
  try {
    // The schema just parsed this input for this method; TypeScript cannot pair the two across the union.
    const handler = handlers[method] as (input: unknown) => unknown;
    const value = await withCaller(caller, () => handler(parsed.data), door);
    // Parsing the answer too keeps anything a handler did not mean to send (extra fields) at home.
    return { ok: true, value: schema.output.parse(value) };
  } catch (error) {
    if (error instanceof MshaharaError) return { ok: false, error: error.toJSON() };
    log.error({ method, err: error }, 'contract handler failed');
    return {
      ok: false,
      error: { kind: 'internal', message: 'Something went wrong inside Mshahara; the details are in the log.' },
    };
  }
}
