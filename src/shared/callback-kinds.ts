// Where Daraja posted a callback: the relay's URL kinds (docs/relay.md#how-it-works). One list for the relay, the
// callback parser, the inbox and the contract.
export const callbackKinds = [
  'b2c-result',
  'b2c-timeout',
  'balance-result',
  'status-result',
  'reversal-result',
  'stk',
  'c2b-validation',
  'c2b-confirmation',
  'timeout',
] as const;

export type CallbackKind = (typeof callbackKinds)[number];
