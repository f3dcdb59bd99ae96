// The catalog of every code Daraja documents (REFERENCE §1, §2.6, §5, §6.2, §7.3, §10): what Safaricom
// says, what it means for a payroll officer, what to do, and how Mshahara must treat it. Pure data.

/** What the person (or the payout engine) should do next. */
export type SuggestedAction =
  | 'none'
  | 'retry'
  | 'wait_and_retry'
  | 'fix_number'
  | 'fix_amount'
  | 'fix_request'
  | 'top_up_float'
  | 'check_credentials'
  | 'check_setup'
  | 'check_status'
  | 'ask_customer'
  | 'call_safaricom';

export const actionLabels: Record<SuggestedAction, string> = {
  none: 'Nothing to do.',
  retry: 'Try again; Mshahara retries this on its own.',
  wait_and_retry: 'Wait a minute, then try again; Mshahara slows down on its own.',
  fix_number: "Check the worker's phone number, then try again.",
  fix_amount: 'Change the amount, then try again.',
  fix_request: 'Check the details of the payment, then try again. If it keeps happening, report it.',
  top_up_float: 'Top up the B2C (Utility) account, then try again.',
  check_credentials: 'Check the Daraja credentials in Settings (consumer key and secret, initiator name and password).',
  check_setup: 'Check the Daraja app setup on the Safaricom portal (products, shortcode, URLs).',
  check_status: 'Do not pay again: Mshahara checks with M-Pesa whether this payment went through.',
  ask_customer: 'Ask the customer to try again and answer the M-Pesa prompt.',
  call_safaricom: 'Call Safaricom support (apisupport@safaricom.co.ke) with the code shown.',
};

/** How a synchronous answer is treated: retry it, slow down, never retry, or "Daraja already has this ID". */
export type SyncClass = 'accepted' | 'transient' | 'throttled' | 'definitive' | 'duplicate';

/** How an asynchronous ResultCode is treated. `pending` = not final yet; only `succeeded` moved money. */
export type ResultClass = 'succeeded' | 'failed' | 'transient' | 'throttled' | 'duplicate' | 'pending';

export type CodeFamily = 'sync' | 'result' | 'stk' | 'reversal' | 'c2b_validation';

export interface CodeEntry<C extends string = string> {
  family: CodeFamily;
  code: string;
  /** Safaricom's own wording (REFERENCE). */
  description: string;
  /** A sentence a payroll officer understands. */
  explanation: string;
  action: SuggestedAction;
  class: C;
  /** Sync only: the access token was refused; refresh it once and try once more. */
  tokenRejected?: boolean;
  /** Sync only: when one code carries several meanings, the variant whose message matches. */
  messagePattern?: RegExp;
  /** true for codes not in the catalog (a generic answer). */
  generic?: boolean;
}

type Row<C extends string> = [
  code: string,
  description: string,
  explanation: string,
  action: SuggestedAction,
  cls: C,
  extra?: Partial<CodeEntry<C>>,
];

const TOKEN = { tokenRejected: true } as const;

// Order matters for codes with several variants: the first matching messagePattern wins, the
// variant without a pattern is the fallback.
const syncRows: Row<SyncClass>[] = [
  [
    '0',
    'Accept the service request successfully.',
    'M-Pesa accepted the request and will send the result shortly.',
    'none',
    'accepted',
  ],
  [
    '400.002.02',
    'Bad Request - Invalid <Field>',
    'M-Pesa refused the request because one of its details is missing or wrong.',
    'fix_request',
    'definitive',
  ],
  ['400.002.05', 'Invalid Request Payload', 'M-Pesa could not read the request.', 'fix_request', 'definitive'],
  [
    '400.003.01',
    'Invalid Access Token',
    'M-Pesa did not accept the login session of this Daraja app.',
    'check_credentials',
    'definitive',
    TOKEN,
  ],
  ['400.003.02', 'Bad Request', 'M-Pesa refused the request as badly formed.', 'fix_request', 'definitive'],
  [
    '400.008.01',
    'Invalid Authentication passed',
    'M-Pesa did not accept the consumer key and secret of this Daraja app.',
    'check_credentials',
    'definitive',
  ],
  [
    '400.008.02',
    'Invalid grant type passed',
    'M-Pesa refused the login request of this Daraja app.',
    'call_safaricom',
    'definitive',
  ],
  [
    '401.002.01',
    'Error Occurred - Invalid Access Token',
    'The login session with M-Pesa expired or was not accepted.',
    'check_credentials',
    'definitive',
    TOKEN,
  ],
  ['404.001.01', 'Resource not found', 'M-Pesa does not know this service address.', 'check_setup', 'definitive'],
  ['404.002.01', 'Resource not found', 'M-Pesa does not know this service address.', 'check_setup', 'definitive'],
  ['404.003.01', 'Resource not found', 'M-Pesa does not know this service address.', 'check_setup', 'definitive'],
  [
    '404.001.03',
    'Invalid Access Token',
    'The login session with M-Pesa expired, or this Daraja app is not allowed to use this service.',
    'check_setup',
    'definitive',
    TOKEN,
  ],
  [
    '404.001.04',
    'Invalid Authentication Header',
    'M-Pesa refused how the request was sent.',
    'fix_request',
    'definitive',
  ],
  ['405.001', 'Method Not Allowed', 'M-Pesa refused how the request was sent.', 'fix_request', 'definitive'],
  [
    '500.001.1001',
    'The transaction is being processed',
    'M-Pesa is still waiting for the customer to answer the prompt.',
    'wait_and_retry',
    'transient',
    { messagePattern: /being processed/i },
  ],
  [
    '500.001.1001',
    'Wrong credentials',
    'M-Pesa did not accept the M-Pesa Express shortcode and passkey.',
    'check_credentials',
    'definitive',
    { messagePattern: /wrong credentials/i },
  ],
  [
    '500.001.1001',
    'Merchant does not exist',
    'M-Pesa does not know this M-Pesa Express shortcode.',
    'check_setup',
    'definitive',
    { messagePattern: /merchant does not exist/i },
  ],
  [
    '500.001.1001',
    'Unable to lock subscriber, a transaction is already in process for the current subscriber',
    'The customer already has an M-Pesa prompt open.',
    'wait_and_retry',
    'transient',
    { messagePattern: /unable to lock subscriber/i },
  ],
  ['500.001.1001', 'Server error', 'M-Pesa reported an error with this M-Pesa Express request.', 'retry', 'transient'],
  [
    '500.002.1001',
    'Duplicate OriginatorConversationID.',
    'M-Pesa already has a payment with this reference, so it did not take it again.',
    'check_status',
    'duplicate',
    { messagePattern: /duplicate/i },
  ],
  ['500.002.1001', 'System internal error.', 'M-Pesa had an internal error.', 'retry', 'transient'],
  [
    '500.003.1001',
    'Urls are already registered.',
    'The payment notification addresses are already registered for this shortcode.',
    'check_setup',
    'definitive',
    { messagePattern: /already registered|duplicate notification/i },
  ],
  ['500.003.1001', 'Internal Server Error', 'M-Pesa had an internal error.', 'retry', 'transient'],
  [
    '500.003.02',
    'Error Occurred: Spike Arrest Violation',
    'Mshahara sent requests faster than M-Pesa allows.',
    'wait_and_retry',
    'throttled',
  ],
  [
    '500.003.03',
    'Error Occurred: Quota Violation',
    'This Daraja app used up its request allowance for now.',
    'wait_and_retry',
    'throttled',
  ],
  [
    '00.002.1001',
    'Service is currently under maintenance. Please try again later',
    'M-Pesa is under maintenance.',
    'wait_and_retry',
    'transient',
  ],
  [
    'no_api_product',
    'Invalid API call as no apiproduct match found',
    'This Daraja app is not allowed to use this service.',
    'check_setup',
    'definitive',
  ],
];

const resultRows: Row<ResultClass>[] = [
  ['0', 'The service request is processed successfully.', 'Paid.', 'none', 'succeeded'],
  [
    '1',
    'The balance is insufficient for the transaction.',
    'There is not enough money in the B2C (Utility) account.',
    'top_up_float',
    'failed',
  ],
  ['2', 'Declined due to limit rule', 'The amount is below the M-Pesa minimum (KES 10).', 'fix_amount', 'failed'],
  [
    '3',
    'Declined due to limit rule: greater than the maximum transaction amount.',
    'The amount is above the M-Pesa maximum for one payment.',
    'fix_amount',
    'failed',
  ],
  [
    '4',
    'Declined due to limit rule: would exceed daily transfer limit',
    "This payment would pass the worker's M-Pesa daily limit.",
    'fix_amount',
    'failed',
  ],
  [
    '5',
    'Declined due to limit rule: would exceed the minimum balance.',
    'The account would fall below its minimum balance.',
    'top_up_float',
    'failed',
  ],
  ['6', 'Unresolved Primary Party', 'M-Pesa could not identify the paying shortcode.', 'check_setup', 'failed'],
  ['7', 'Unresolved Receiver Party', 'M-Pesa could not identify the receiver.', 'fix_number', 'failed'],
  [
    '8',
    'Declined due to limit rule: would exceed the maximum balance.',
    "This payment would pass the most the worker's M-Pesa wallet may hold.",
    'fix_amount',
    'failed',
  ],
  ['11', 'The DebitParty is in an invalid state.', 'The paying shortcode is not active.', 'call_safaricom', 'failed'],
  ['12', 'Invalid Credit Account', "The receiver's account is not valid.", 'fix_number', 'failed'],
  ['13', 'Unresolved Debit Account', 'M-Pesa could not find the paying account.', 'check_setup', 'failed'],
  ['14', 'Unresolved Credit Account', "M-Pesa could not find the receiver's account.", 'fix_number', 'failed'],
  ['15', 'Duplicate Detected', 'M-Pesa has already seen a payment with this reference.', 'check_status', 'duplicate'],
  ['17', 'Internal Failure', 'M-Pesa had an internal failure; no money moved.', 'retry', 'failed'],
  [
    '18',
    'Initiator Credential Check Failure',
    'M-Pesa did not accept the initiator password.',
    'check_credentials',
    'failed',
  ],
  ['19', 'Message Sequencing Failure', 'M-Pesa received messages out of order; no money moved.', 'retry', 'failed'],
  ['20', 'Unresolved Initiator', 'M-Pesa does not know this initiator name.', 'check_credentials', 'failed'],
  [
    '21',
    'The initiator is not allowed to initiate this request',
    'The initiator user lacks the role needed for this payment.',
    'check_setup',
    'failed',
  ],
  [
    '22',
    'Initiator to Receiver Party Permission Failure',
    'The initiator may not pay this receiver.',
    'check_setup',
    'failed',
  ],
  [
    '24',
    'Missing Mandatory Fields',
    'M-Pesa refused the request because a detail is missing.',
    'fix_request',
    'failed',
  ],
  [
    '25',
    'Invalid Request Parameters',
    'M-Pesa refused the request because a detail is wrong.',
    'fix_request',
    'failed',
  ],
  [
    '26',
    'Traffic blocking condition in place',
    'M-Pesa is busy and turned the request away; no money moved.',
    'wait_and_retry',
    'throttled',
  ],
  ['29', 'Invalid Command', 'M-Pesa refused the kind of payment requested.', 'fix_request', 'failed'],
  [
    '2001',
    'The initiator information is invalid.',
    'M-Pesa did not accept the initiator name, password or certificate.',
    'check_credentials',
    'failed',
  ],
  [
    '2006',
    'Declined due to account rule: The account status does not allow this transaction.',
    'The paying shortcode is not active.',
    'call_safaricom',
    'failed',
  ],
  [
    '2028',
    'The request is not permitted according to product assignment.',
    'This shortcode is not set up for this kind of payment.',
    'check_setup',
    'failed',
  ],
  [
    '2040',
    "Credit Party customer type (Unregistered or Registered Customer) can't be supported by the service.",
    'The number is not a registered M-Pesa customer.',
    'fix_number',
    'failed',
  ],
  [
    '8006',
    'The security credential is locked',
    'The initiator password is locked after failed attempts; the Business Administrator must unlock it.',
    'check_credentials',
    'failed',
  ],
  [
    'SFC_IC0003',
    'The operator does not exist.',
    'The number is not on M-Pesa, or the transaction does not exist.',
    'fix_number',
    'failed',
  ],
  [
    '100000000',
    'Request was cached, waiting for resending',
    'M-Pesa queued the request and will process it later.',
    'check_status',
    'pending',
  ],
  ['100000001', 'The system is overload', 'M-Pesa is overloaded; no money moved.', 'wait_and_retry', 'transient'],
  [
    '100000002',
    'Throttling error',
    'Mshahara sent requests faster than M-Pesa allows; no money moved.',
    'wait_and_retry',
    'throttled',
  ],
  [
    '100000003',
    'Exceed the limitation of the LICENSE',
    'This Daraja app went over its allowance.',
    'call_safaricom',
    'failed',
  ],
  ['100000004', 'Internal Server Error', 'M-Pesa had an internal error; no money moved.', 'retry', 'transient'],
  [
    '100000005',
    'Invalid input value',
    'M-Pesa refused the request because a detail is wrong.',
    'fix_request',
    'failed',
  ],
  ['100000006', "SP's status is abnormal", 'This Daraja account is not in good standing.', 'call_safaricom', 'failed'],
  ['100000007', 'Authentication failed', 'M-Pesa did not accept the credentials.', 'check_credentials', 'failed'],
  [
    '100000008',
    "Service's status is abnormal",
    'The M-Pesa service is not available right now.',
    'wait_and_retry',
    'transient',
  ],
  [
    '100000009',
    "API's status is abnormal",
    'The M-Pesa service is not available right now.',
    'wait_and_retry',
    'transient',
  ],
  ['100000010', 'Insufficient permissions', 'This Daraja app is not allowed to do this.', 'check_setup', 'failed'],
  [
    '100000011',
    'Exceed the limitation of request rate',
    'Mshahara sent requests faster than M-Pesa allows; no money moved.',
    'wait_and_retry',
    'throttled',
  ],
];

// STK codes share numbers with B2C but mean different things (2001 is a wrong PIN here).
const stkRows: Row<ResultClass>[] = [
  ['0', 'The service request is processed successfully.', 'The customer paid.', 'none', 'succeeded'],
  [
    '1',
    'The balance is insufficient for the transaction.',
    "The customer's M-Pesa balance is too low.",
    'ask_customer',
    'failed',
  ],
  ['2', 'Declined due to limit rule', 'The amount is below the M-Pesa minimum.', 'fix_amount', 'failed'],
  [
    '3',
    'Declined due to limit rule: greater than the maximum transaction amount.',
    'The amount is above the M-Pesa maximum for one payment.',
    'fix_amount',
    'failed',
  ],
  [
    '4',
    'Declined due to limit rule: would exceed daily transfer limit',
    "This payment would pass the customer's daily limit.",
    'fix_amount',
    'failed',
  ],
  [
    '8',
    'Declined due to limit rule: would exceed the maximum balance.',
    'This payment would pass the most the account may hold.',
    'fix_amount',
    'failed',
  ],
  [
    '17',
    'Rule limited',
    'The same amount was asked of the same customer within about two minutes.',
    'wait_and_retry',
    'failed',
  ],
  ['26', 'System busy', 'M-Pesa is busy; the prompt was not sent.', 'wait_and_retry', 'throttled'],
  [
    '1001',
    'Unable to lock subscriber, a transaction is already in process for the current subscriber',
    'The customer already has an M-Pesa prompt open.',
    'wait_and_retry',
    'failed',
  ],
  ['1019', 'Transaction has expired.', 'The prompt expired before the customer answered.', 'ask_customer', 'failed'],
  [
    '1025',
    'An error occurred while sending a push request',
    'The prompt could not be sent (the message may be too long).',
    'fix_request',
    'failed',
  ],
  ['1032', 'Request cancelled by user', 'The customer cancelled the prompt.', 'ask_customer', 'failed'],
  ['1037', 'DS timeout user cannot be reached', "The customer's phone could not be reached.", 'ask_customer', 'failed'],
  [
    '2001',
    'The initiator information is invalid.',
    'The customer entered a wrong M-Pesa PIN.',
    'ask_customer',
    'failed',
  ],
  [
    '2028',
    'The request is not permitted according to product assignment.',
    'The shortcode or transaction type is wrong for M-Pesa Express.',
    'check_setup',
    'failed',
  ],
  ['8006', 'The security credential is locked', "The customer's M-Pesa PIN is locked.", 'ask_customer', 'failed'],
  ['9999', 'Error sending push request', 'M-Pesa could not send the prompt.', 'retry', 'failed'],
  ['SFC_IC0003', 'The operator does not exist', 'The shortcode or number is not on M-Pesa.', 'check_setup', 'failed'],
];

const reversalRows: Row<ResultClass>[] = [
  [
    'R000001',
    'The transaction has already been reversed',
    'This transaction was already reversed.',
    'check_status',
    'failed',
  ],
  [
    'R000002',
    'The OriginalTransactionID is invalid',
    'M-Pesa does not know this receipt number, or it cannot be reversed.',
    'fix_request',
    'failed',
  ],
];

const c2bRows: Row<ResultClass>[] = [
  ['C2B00011', 'Invalid MSISDN', 'The paying phone number was refused.', 'none', 'failed'],
  ['C2B00012', 'Invalid Account Number', 'The account number was refused.', 'none', 'failed'],
  ['C2B00013', 'Invalid Amount', 'The amount was refused.', 'none', 'failed'],
  ['C2B00014', 'Invalid KYC Details', "The payer's details were refused.", 'none', 'failed'],
  ['C2B00015', 'Invalid Shortcode', 'The shortcode was refused.', 'none', 'failed'],
  ['C2B00016', 'Other Error', 'The payment was refused.', 'none', 'failed'],
];

function build<C extends string>(family: CodeFamily, rows: Row<C>[]): CodeEntry<C>[] {
  return rows.map(([code, description, explanation, action, cls, extra]) => ({
    family,
    code,
    description,
    explanation,
    action,
    class: cls,
    ...extra,
  }));
}

export const syncCodes: readonly CodeEntry<SyncClass>[] = build('sync', syncRows);
export const resultCodes: readonly CodeEntry<ResultClass>[] = build('result', resultRows);
export const stkCodes: readonly CodeEntry<ResultClass>[] = build('stk', stkRows);
export const reversalCodes: readonly CodeEntry<ResultClass>[] = build('reversal', reversalRows);
export const c2bValidationCodes: readonly CodeEntry<ResultClass>[] = build('c2b_validation', c2bRows);

export const allCodes: readonly CodeEntry[] = [
  ...syncCodes,
  ...resultCodes,
  ...stkCodes,
  ...reversalCodes,
  ...c2bValidationCodes,
];

/** Daraja sends codes as numbers or strings, sometimes with spaces; compare them as trimmed text. */
export function normaliseCode(code: string | number | null | undefined): string {
  return code === null || code === undefined ? '' : String(code).trim();
}

/**
 * The catalog entry for a synchronous errorCode (with its errorMessage, which tells variants of
 * one code apart). Unknown codes get a generic entry classed by their HTTP family, never a crash.
 */
export function describeSyncError(code: string | number | null | undefined, message = ''): CodeEntry<SyncClass> {
  const key = normaliseCode(code);
  if (key === '' && /no apiproduct match/i.test(message)) return syncCodes.find((e) => e.code === 'no_api_product')!;
  const candidates = syncCodes.filter((e) => e.code === key);
  const match = candidates.find((e) => e.messagePattern?.test(message)) ?? candidates.find((e) => !e.messagePattern);
  if (match) return match;
  const throttled = /spike arrest|quota violation/i.test(message);
  const serverSide = key.startsWith('5') || key === '';
  return {
    family: 'sync',
    code: key || 'unknown',
    description: message || 'Unknown error',
    explanation: throttled
      ? 'M-Pesa asked Mshahara to slow down.'
      : serverSide
        ? 'M-Pesa reported an unexpected error.'
        : 'M-Pesa refused the request.',
    action: throttled ? 'wait_and_retry' : serverSide ? 'retry' : 'call_safaricom',
    class: throttled ? 'throttled' : serverSide ? 'transient' : 'definitive',
    generic: true,
  };
}

const resultFamilies: Record<Exclude<CodeFamily, 'sync'>, readonly CodeEntry<ResultClass>[]> = {
  result: resultCodes,
  stk: stkCodes,
  reversal: reversalCodes,
  c2b_validation: c2bValidationCodes,
};

/**
 * The catalog entry for an asynchronous ResultCode. Reversal results also use the B2C/G2 codes,
 * so the B2C table is the fallback for every family. Unknown codes are a generic failure.
 */
export function describeResultCode(
  code: string | number | null | undefined,
  family: Exclude<CodeFamily, 'sync'> = 'result',
): CodeEntry<ResultClass> {
  const key = normaliseCode(code);
  const found = resultFamilies[family].find((e) => e.code === key) ?? resultCodes.find((e) => e.code === key);
  if (found) return family === 'result' || found.family === family ? found : { ...found, family };
  return {
    family,
    code: key || 'unknown',
    description: 'Unknown result code',
    explanation: `M-Pesa answered with a code Mshahara does not know (${key || 'none'}); no money moved according to M-Pesa.`,
    action: 'call_safaricom',
    class: 'failed',
    generic: true,
  };
}
