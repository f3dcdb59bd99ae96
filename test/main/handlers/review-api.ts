// The run handlers over a real profile database, without Daraja: enough to call the review,
// approval, draft and retry methods through callContract (roles checked) as a named person.
// Approving a retry goes through the same domain function the payout engine calls.
import type { MethodInput, MethodName, MethodOutput } from '../../../src/shared/contract';
import type { ContractError } from '../../../src/shared/contract';
import type { Caller } from '../../../src/shared/contract/access';
import type { ProfileDatabase } from '../../../src/main/db';
import { createHandlers, type ApiContext } from '../../../src/main/handlers';
import { approveRequestedRetry } from '../../../src/main/payroll/retry-requests';
import { callContract } from '../../../src/main/transports/dispatch';
import { currentCaller } from '../../../src/main/transports/call-scope';

export interface ReviewApi {
  /** The value, or throws an Error carrying the contract error as `contractError`. */
  call<M extends MethodName>(method: M, input: MethodInput<M>, as: Caller): Promise<MethodOutput<M>>;
  /** The contract error of a call expected to be refused. */
  refusal<M extends MethodName>(method: M, input: MethodInput<M>, as: Caller): Promise<ContractError>;
}

export function reviewApi(db: ProfileDatabase): ReviewApi {
  const core = {
    db,
    engine: {
      approveRequestedRetry: (runId: number, approver: { name: string; accountId: number }) =>
        approveRequestedRetry(db, runId, approver).queued,
    },
  };
  const ctx = {
    session: { require: () => core },
    get actor() {
      return currentCaller()?.username ?? 'mshahara';
    },
    caller: () => currentCaller(),
  } as unknown as ApiContext;
  const handlers = createHandlers(ctx);
  return {
    async call(method, input, as) {
      const result = await callContract(handlers, method, input, as);
      if (!result.ok)
        throw Object.assign(new Error(`${method}: ${result.error.message}`), { contractError: result.error });
      return result.value as never;
    },
    async refusal(method, input, as) {
      const result = await callContract(handlers, method, input, as);
      if (result.ok) throw new Error(`${method} was expected to be refused, and was not`);
      return result.error;
    },
  };
}
