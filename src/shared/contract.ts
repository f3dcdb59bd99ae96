// The one contract between the renderer and the main-process core (docs/architecture.md#the-pieces): method names with
// zod input/output schemas, event schemas, and the error envelope. Imports no Node and no DOM.
// The methods live by domain in ./contract/*; this file assembles them and derives the types.
import { z } from 'zod';
import { attentionMethods } from './contract/attention';
import { auditMethods } from './contract/audit';
import { collectionMethods } from './contract/collections';
import { fieldIssue } from './contract/common';
import { floatMethods } from './contract/float';
import { lookupMethods } from './contract/lookup';
import type { ErrorKind } from './errors';
import { contractEvents } from './contract/events';
import type { eventNameList, methodNameList } from './contract/names';
import { importMethods } from './contract/imports';
import { moneyMethods } from './contract/money';
import { payrollMethods } from './contract/payroll';
import { reconcileMethods } from './contract/reconcile';
import { reportMethods } from './contract/reports';
import { sessionMethods } from './contract/session';
import { runReviewMethods } from './contract/run-review';
import { setupMethods } from './contract/setup';
import { profileCareMethods } from './contract/profile-care';
import { workerChangeMethods } from './contract/worker-changes';
import { reversalMethods } from './contract/reversals';
import { usersMethods } from './contract/users';
import { refundMethods } from './contract/refunds';

export * from './contract/common';
export * from './contract/setup';
export * from './contract/payroll';
export * from './contract/run-review';
export * from './contract/money';
export * from './contract/attention';
export { importChoice, importColumnNames, importMethods } from './contract/imports';
export * from './contract/reconcile';
export * from './contract/reports';
export * from './contract/worker-changes';
export * from './contract/reversals';
export * from './contract/users';
export * from './contract/audit';
export * from './contract/refunds';
export * from './contract/collections';
export * from './contract/float';
export * from './contract/lookup';
export { contractEvents } from './contract/events';

/** The environments First start offers. */
export const profiles = ['demo', 'sandbox', 'production'] as const;
/** A profile's name as the officer chose it ("demo", "acme-production"): its folder and keychain slot. */
export type Profile = string;

export const contractMethods = {
  ...sessionMethods,
  ...setupMethods,
  ...profileCareMethods,
  ...payrollMethods,
  ...workerChangeMethods,
  ...reversalMethods,
  ...runReviewMethods,
  ...importMethods,
  ...attentionMethods,
  ...moneyMethods,
  ...reconcileMethods,
  ...reportMethods,
  ...usersMethods,
  ...auditMethods,
  ...refundMethods,
  ...collectionMethods,
  ...floatMethods,
  ...lookupMethods,
} as const;

export type MethodName = keyof typeof contractMethods;
export type EventName = keyof typeof contractEvents;
export type MethodInput<M extends MethodName> = z.input<(typeof contractMethods)[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<(typeof contractMethods)[M]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof contractEvents)[E]>;

export const errorKinds = [
  'validation',
  'not_found',
  'conflict',
  'forbidden',
  'daraja',
  'unavailable',
  'internal',
] as const;
export const contractError = z.object({
  kind: z.enum(errorKinds),
  message: z.string(),
  code: z.string().optional(),
  /** Validation only: each refused field with its path and a plain message, for the form to show beside it. */
  issues: z.array(fieldIssue).optional(),
});
export type ContractError = z.output<typeof contractError>;

/** Every answer across the contract: errors travel as data, never as a thrown structured-clone mystery. */
export type ContractResult<T> = { ok: true; value: T } | { ok: false; error: ContractError };

export const methodNames = Object.keys(contractMethods) as MethodName[];
export const eventNames = Object.keys(contractEvents) as EventName[];

export { isMethodName, isEventName, ipcChannel } from './contract/names';

// The preload's name lists must be exactly the contract's names: a method or event added to one
// and not the other fails to compile here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const methodListsAgree: Same<(typeof methodNameList)[number], MethodName> = true;
const eventListsAgree: Same<(typeof eventNameList)[number], EventName> = true;
// The same for the kinds of error a thrown MshaharaError has and the kinds the contract carries.
const errorKindsAgree: Same<(typeof errorKinds)[number], ErrorKind> = true;
void methodListsAgree;
void eventListsAgree;
void errorKindsAgree;

/** What the renderer sees as `window.mshahara` (Electron) or gets from the WebSocket transport. */
export interface MshaharaBridge {
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<ContractResult<MethodOutput<M>>>;
  /** Calls `handler` for each `event`; returns the function that stops it. */
  subscribe<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void;
}
