// The simulator's command line: flags → SimulatorOptions. Kept apart from cli.ts (which starts
// the server) so the parsing can be tested on its own.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseKes } from '../shared/money';
import { reversalAmountChoices, statusForFailedChoices } from './faults';
import type { SimulatorFaults, SimulatorOptions } from './index';

export const usage = `Usage: npm run simulator -- [options]

  --port <n>                 port to listen on (default: any free port)
  --host <addr>              address to listen on (default 127.0.0.1)
  --seed <n>                 seed for identifiers and faults, so runs reproduce
  --consumer-key <s>         --consumer-secret <s>
  --shortcode <n>            B2C shortcode (default 600992)
  --initiator-name <s>       --initiator-password <s>
  --stk-shortcode <n>        M-Pesa Express (STK) shortcode (default 174379)
  --stk-passkey <s>          STK passkey (default: the public sandbox passkey); --passkey is the same
  --customers <file.csv>     registered customers, one "phone,name" a line
  --open-registry            every valid Safaricom number is a registered customer
  --float <KES>              opening Utility balance (default 5,000,000)
  --fault <name>=<value>     repeatable: latency=<min-max ms>, spike-arrest=<per second>,
                             error-before=<rate>, error-after=<rate>, drop-callback=<rate>,
                             duplicate-callback=<rate>, callback-delay=<min-max ms>, token-ttl=<s>,
                             processing-lag=<min-max ms>, status-unavailable=<rate>,
                             queue-timeout=<rate>, async-throttle=<rate>, masked-party=<rate>,
                             fail-payee=<rate>, charge-extra=<KES more than the tariff per payment>,
                             stk-late-pay=<ms: the STK customer times out, then pays this much later>
  --realistic                every unconfirmed Daraja behaviour on at the README's default rates
                             (flags and --fault given as well override the preset)
  --status-not-found-code <code>
                             Transaction Status answer for an ID not (yet) processed (default SFC_IC0003)
  --no-echo-originator-id    B2C Results carry Daraja's own OriginatorConversationID
  --duplicate-window <s>     how long a used OriginatorConversationID is refused (default: for ever)
  --masked-party             success names the customer as 2547****149 or 0708374149 (mixed)
  --status-for-failed <how>  Transaction Status for a refused B2C: result-code (default), not-found,
                             failed-status (ResultCode 0, TransactionStatus "Failed")
  --reversal-amount <how>    what a Reversal does with Amount: whole (default), must-match, as-asked
  --callback-retries <n>     retries of a failed callback POST (default 0, as Daraja)
  --state <file.sqlite>      keep the ground truth in this file and take it back on start
  --log-level <level>        pino level (default info)
  --help
`;

function range(name: string, value: string): { min: number; max: number } {
  const match = /^(\d+)(?:-(\d+))?$/.exec(value);
  if (!match) throw new Error(`--fault ${name} takes "min-max" in milliseconds, got "${value}"`);
  const min = Number(match[1]);
  return { min, max: match[2] === undefined ? min : Number(match[2]) };
}

function rate(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new Error(`--fault ${name} takes a rate between 0 and 1, got "${value}"`);
  return n;
}

export function parseFault(spec: string, into: Partial<SimulatorFaults>): void {
  const [name = '', value = ''] = spec.split('=', 2);
  switch (name) {
    case 'latency':
      into.latencyMs = range(name, value);
      return;
    case 'callback-delay':
      into.callbackDelayMs = range(name, value);
      return;
    case 'spike-arrest':
      into.spikeArrestPerSecond = value === 'off' ? null : Number(value);
      return;
    case 'error-before':
      into.errorBefore = rate(name, value);
      return;
    case 'error-after':
      into.errorAfter = rate(name, value);
      return;
    case 'drop-callback':
      into.dropCallback = rate(name, value);
      return;
    case 'duplicate-callback':
      into.duplicateCallback = rate(name, value);
      return;
    case 'token-ttl':
      into.tokenTtlSeconds = Number(value);
      return;
    case 'processing-lag':
      into.processingLagMs = range(name, value);
      return;
    case 'status-unavailable':
      into.statusUnavailable = rate(name, value);
      return;
    case 'queue-timeout':
      into.queueTimeout = rate(name, value);
      return;
    case 'async-throttle':
      into.asyncThrottle = rate(name, value);
      return;
    case 'masked-party':
      into.maskedParty = rate(name, value);
      return;
    case 'fail-payee':
      into.failPayee = rate(name, value);
      return;
    case 'charge-extra':
      into.chargeExtraCents = Math.round(Number(value) * 100);
      return;
    case 'stk-late-pay':
      into.stkLatePayMs = Number(value);
      return;
    default:
      throw new Error(`Unknown fault "${name}" (see --help)`);
  }
}

export function readCustomersCsv(path: string): Array<{ msisdn: string; name: string }> {
  return readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^phone\s*,/i.test(line))
    .map((line) => {
      const comma = line.indexOf(',');
      if (comma < 0) throw new Error(`Customer line "${line}" needs "phone,name"`);
      return {
        msisdn: line.slice(0, comma).trim(),
        name: line
          .slice(comma + 1)
          .trim()
          .replace(/^"|"$/g, ''),
      };
    });
}

function wholeNumber(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min)
    throw new Error(`${flag} takes a whole number of at least ${min}, got "${value}"`);
  return n;
}

/** The options `npm run simulator -- …` asks for, or 'help'. Bad flags throw an Error naming the flag. */
export function parseSimulatorArgs(args: string[]): SimulatorOptions | 'help' {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      'consumer-key': { type: 'string' },
      'consumer-secret': { type: 'string' },
      shortcode: { type: 'string' },
      'initiator-name': { type: 'string' },
      'initiator-password': { type: 'string' },
      passkey: { type: 'string' },
      'stk-passkey': { type: 'string' },
      'stk-shortcode': { type: 'string' },
      customers: { type: 'string' },
      'open-registry': { type: 'boolean' },
      float: { type: 'string' },
      fault: { type: 'string', multiple: true },
      realistic: { type: 'boolean' },
      'status-not-found-code': { type: 'string' },
      'no-echo-originator-id': { type: 'boolean' },
      'duplicate-window': { type: 'string' },
      'masked-party': { type: 'boolean' },
      'status-for-failed': { type: 'string' },
      'reversal-amount': { type: 'string' },
      'callback-retries': { type: 'string' },
      state: { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const faults: Partial<SimulatorFaults> = {};
  if (values['status-not-found-code'] !== undefined) faults.statusNotFoundCode = values['status-not-found-code'];
  if (values['no-echo-originator-id']) faults.echoOriginatorId = false;
  if (values['duplicate-window'] !== undefined)
    faults.duplicateWindowSeconds = wholeNumber('--duplicate-window', values['duplicate-window'], 1);
  if (values['masked-party']) faults.maskedParty = 1;
  const statusForFailed = values['status-for-failed'];
  if (statusForFailed !== undefined) {
    const choice = statusForFailedChoices.find((c) => c === statusForFailed);
    if (choice === undefined)
      throw new Error(`--status-for-failed takes ${statusForFailedChoices.join(', ')}, got "${statusForFailed}"`);
    faults.statusForFailed = choice;
  }
  const reversalAmount = values['reversal-amount'];
  if (reversalAmount !== undefined) {
    const choice = reversalAmountChoices.find((c) => c === reversalAmount);
    if (choice === undefined)
      throw new Error(`--reversal-amount takes ${reversalAmountChoices.join(', ')}, got "${reversalAmount}"`);
    faults.reversalAmount = choice;
  }
  for (const spec of values.fault ?? []) parseFault(spec, faults);
  const credentials: SimulatorOptions['credentials'] = {};
  if (values['consumer-key'] !== undefined) credentials.consumerKey = values['consumer-key'];
  if (values['consumer-secret'] !== undefined) credentials.consumerSecret = values['consumer-secret'];
  if (values.shortcode !== undefined) credentials.shortcode = values.shortcode;
  if (values['initiator-name'] !== undefined) credentials.initiatorName = values['initiator-name'];
  if (values['initiator-password'] !== undefined) credentials.initiatorPassword = values['initiator-password'];
  if (values.passkey !== undefined) credentials.passkey = values.passkey;
  if (values['stk-passkey'] !== undefined) credentials.passkey = values['stk-passkey'];
  if (values['stk-shortcode'] !== undefined) {
    if (!/^\d{5,7}$/.test(values['stk-shortcode']))
      throw new Error(`--stk-shortcode takes 5 to 7 digits, got "${values['stk-shortcode']}"`);
    credentials.stkShortcode = values['stk-shortcode'];
  }
  const options: SimulatorOptions = {
    host: values.host ?? '127.0.0.1',
    port: values.port === undefined ? 0 : Number(values.port),
    credentials,
    openRegistry: values['open-registry'] ?? false,
    realistic: values.realistic ?? false,
    faults,
    logLevel: values['log-level'] ?? 'info',
  };
  if (values.seed !== undefined) options.seed = Number(values.seed);
  if (values.float !== undefined) options.floatCents = parseKes(values.float);
  if (values.customers !== undefined) options.customers = readCustomersCsv(values.customers);
  if (values['callback-retries'] !== undefined)
    options.callbackRetries = wholeNumber('--callback-retries', values['callback-retries'], 0);
  if (values.state !== undefined) options.statePath = values.state;
  return options;
}
