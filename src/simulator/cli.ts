// `npm run simulator`: runs the Daraja simulator as its own process, prints where it listens and
// the credentials to use, and stops cleanly on SIGINT/SIGTERM.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseKes } from '../shared/money';
import { startSimulator, type SimulatorFaults, type SimulatorOptions } from './index';

const usage = `Usage: npm run simulator -- [options]

  --port <n>                 port to listen on (default: any free port)
  --host <addr>              address to listen on (default 127.0.0.1)
  --seed <n>                 seed for identifiers and faults, so runs reproduce
  --consumer-key <s>         --consumer-secret <s>
  --shortcode <n>            B2C shortcode (default 600992)
  --initiator-name <s>       --initiator-password <s>
  --passkey <s>              STK passkey (default: the public sandbox passkey)
  --customers <file.csv>     registered customers, one "phone,name" a line
  --open-registry            every valid Safaricom number is a registered customer
  --float <KES>              opening Utility balance (default 5,000,000)
  --fault <name>=<value>     repeatable: latency=<min-max ms>, spike-arrest=<per second>,
                             error-before=<rate>, error-after=<rate>, drop-callback=<rate>,
                             duplicate-callback=<rate>, callback-delay=<min-max ms>, token-ttl=<s>
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
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`--fault ${name} takes a rate between 0 and 1, got "${value}"`);
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
      return { msisdn: line.slice(0, comma).trim(), name: line.slice(comma + 1).trim().replace(/^"|"$/g, '') };
    });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
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
      customers: { type: 'string' },
      'open-registry': { type: 'boolean' },
      float: { type: 'string' },
      fault: { type: 'string', multiple: true },
      'log-level': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(usage);
    return;
  }
  const faults: Partial<SimulatorFaults> = {};
  for (const spec of values.fault ?? []) parseFault(spec, faults);
  const credentials: SimulatorOptions['credentials'] = {};
  if (values['consumer-key'] !== undefined) credentials.consumerKey = values['consumer-key'];
  if (values['consumer-secret'] !== undefined) credentials.consumerSecret = values['consumer-secret'];
  if (values.shortcode !== undefined) credentials.shortcode = values.shortcode;
  if (values['initiator-name'] !== undefined) credentials.initiatorName = values['initiator-name'];
  if (values['initiator-password'] !== undefined) credentials.initiatorPassword = values['initiator-password'];
  if (values.passkey !== undefined) credentials.passkey = values.passkey;
  const options: SimulatorOptions = {
    host: values.host ?? '127.0.0.1',
    port: values.port === undefined ? 0 : Number(values.port),
    credentials,
    openRegistry: values['open-registry'] ?? false,
    faults,
    logLevel: values['log-level'] ?? 'info',
  };
  if (values.seed !== undefined) options.seed = Number(values.seed);
  if (values.float !== undefined) options.floatCents = parseKes(values.float);
  if (values.customers !== undefined) options.customers = readCustomersCsv(values.customers);

  const simulator = await startSimulator(options);
  const c = simulator.credentials;
  // Printing credentials is the point here: they are the simulator's own, made up for local use.
  process.stdout.write(
    [
      `Daraja simulator listening on ${simulator.baseUrl}`,
      `  consumer key       ${c.consumerKey}`,
      `  consumer secret    ${c.consumerSecret}`,
      `  B2C shortcode      ${c.shortcode}`,
      `  initiator          ${c.initiatorName} / ${c.initiatorPassword}`,
      `  STK shortcode      ${c.stkShortcode}`,
      `  STK passkey        ${c.passkey}`,
      `  certificate        ${simulator.baseUrl}/simulator/certificate`,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping the simulator\n`);
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Could not stop cleanly: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
