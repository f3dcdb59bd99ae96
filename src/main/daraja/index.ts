// The Daraja client's public face: the client, its outcomes, the retry helper and the request/answer types.
export { DarajaClient, type DarajaProfileConfig, type DarajaClientOptions, type StkQueryResult } from './client';
export { type CallOutcome, type FailedOutcome, type OutcomeKind, describeAction } from './classify';
export { backoff, retrying, defaultRetryPolicy, type BackoffPolicy, type RetryPolicy } from './backoff';
export { defaultTimeouts, type HttpTimeouts } from './http';
export type {
  B2cPaymentRequest,
  AccountBalanceRequest,
  TransactionStatusRequest,
  ReversalRequest,
  StkPushRequest,
  StkQueryRequest,
  C2bRegisterRequest,
  C2bSimulateRequest,
  Accepted,
  B2cAccepted,
  StkPushAccepted,
  C2bAccepted,
} from './schemas';
