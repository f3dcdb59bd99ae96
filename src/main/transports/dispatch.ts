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
import { MshaharaError } from '../../shared/errors';
import { logger } from '../log';
import { accessRefusal, noSignInYet, type CallerOrNone } from './access';
import { withCaller } from './call-scope';
import { plainIssueMessage, validationError } from './plain-issues';

export type ContractHandlers = {
  [M in MethodName]: (
    input: z.output<(typeof contractMethods)[M]['input']>,
  ) => Promise<MethodOutput<M>> | MethodOutput<M>;
};

const log = logger('contract');

/**
 * `caller` is who is signed in on the door the call came through (null: nobody); a caller the
 * method's access does not allow is refused with a ForbiddenError before the input is read or the
 * handler runs (docs/roles.md).
 *
 * The transports have no sign-in yet and pass no caller, so the default `noSignInYet` answers as
 * before, unchecked. Wiring sign-in is one change here: drop the default (and `noSignInYet` with
 * it). The compiler then names every door that must pass its session's caller (src/main/shell/
 * ipc.ts, src/main/transports/browser-host/websocket.ts, and the tests that call this), so none
 * can be left unchecked by forgetting it.
 */
export async function callContract(
  handlers: ContractHandlers,
  method: unknown,
  input: unknown,
  caller: CallerOrNone = noSignInYet,
): Promise<ContractResult<unknown>> {
  if (!isMethodName(method)) {
    return {
      ok: false,
      error: { kind: 'validation', message: `Mshahara has no method called ${JSON.stringify(method)}.` },
    };
  }
  if (caller !== noSignInYet) {
    const refusal = accessRefusal(method, caller);
    if (refusal !== null) {
      log.warn({ method, username: caller?.username ?? null, code: refusal.code }, 'call refused');
      return { ok: false, error: refusal.toJSON() };
    }
  }
  const schema = contractMethods[method];
  // The schema's own messages come first; plainIssueMessage words only the checks that have none.
  const parsed = schema.input.safeParse(input ?? {}, { error: plainIssueMessage });
  if (!parsed.success) return { ok: false, error: validationError(parsed.error) };
  try {
    // The schema just parsed this input for this method; TypeScript cannot pair the two across the union.
    const handler = handlers[method] as (input: unknown) => unknown;
    const value = await withCaller(caller === noSignInYet ? null : caller, () => handler(parsed.data));
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
