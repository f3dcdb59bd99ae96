// `npm run relay -- <command>`: serve the relay, or administer its channels. Every command takes
// --data <dir>; every option also has an environment variable (docs/relay.md lists them).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { relayLogger } from './log';
import type { C2bRules } from './c2b-rules';
import { ChannelError, listChannels, removeChannel, rotateChannel, addChannel, setChannelRules } from './channels';
import { migrateStore } from './migrate-store';
import { openRelayStore, parseStoreKind, type StoreChoice } from './open-store';
import { defaultAllowlist, DEFAULT_RETENTION_MS, startRelay } from './server';

const usage = `usage:
  relay serve --data <dir> --port <p> [--host <h>] [--tls-cert <file> --tls-key <file>]
              [--trust-proxy <ip,...>] [--allowlist on|off] [--public-url <https://relay.example.com>]
  relay channel add <name> --public-key <file> --data <dir> [--public-url <url>] [--owner <owner>]
  relay channel list --data <dir> [--owner <owner>]
  relay channel rotate <name> --data <dir> [--public-url <url>]
  relay channel remove <name> --data <dir>
  relay channel rules <name> --data <dir> [--shortcodes 600984,600985] [--account-pattern '<regex>']
                      [--min-amount <kes>] [--max-amount <kes>]
  relay channel rules <name> --data <dir> --clear
  relay migrate-store --data <dir> --database-url <postgres://...>

Every command takes --store sqlite|postgres (RELAY_STORE; default sqlite: relay.sqlite in --data)
and, for postgres, --database-url (RELAY_DATABASE_URL). --data still holds relay.key: every
instance on one database needs the same relay.key. migrate-store copies the channels and the
undelivered events of the SQLite store in --data into an empty PostgreSQL database, keeping their
sequence numbers, so desktops carry on from where they were.

C2B rules decide the relay's answer to a C2B validation (no rules: accepted). The rules given
replace the channel's rules; a payment must pass all of them:
  --shortcodes       BusinessShortCode must be one of these, else C2B00015
  --account-pattern  BillRefNumber must match the whole regular expression, else C2B00012
  --min-amount, --max-amount
                     TransAmount in whole shillings, inclusive, else C2B00013
A validation that is not a C2B payment document is refused with C2B00016 when rules are set.`;

const env = process.env;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function perMinute(value: string | undefined, fallback: number): number | null {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) fail(`not a whole number: ${value}`);
  return n === 0 ? null : n;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'trust-proxy': { type: 'string' },
      allowlist: { type: 'string' },
      'public-url': { type: 'string' },
      'public-key': { type: 'string' },
      shortcodes: { type: 'string' },
      'account-pattern': { type: 'string' },
      'min-amount': { type: 'string' },
      'max-amount': { type: 'string' },
      clear: { type: 'boolean' },
      owner: { type: 'string' },
      store: { type: 'string' },
      'database-url': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || positionals.length === 0) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const dataDir = values.data ?? env.RELAY_DATA ?? fail('--data <dir> (or RELAY_DATA) is required');
  const publicUrl = values['public-url'] ?? env.RELAY_PUBLIC_URL;
  const [command, sub, name] = positionals;
  let storeChoice: StoreChoice;
  try {
    storeChoice = {
      kind: parseStoreKind(values.store ?? env.RELAY_STORE),
      databaseUrl: values['database-url'] ?? env.RELAY_DATABASE_URL,
    };
  } catch (error) {
    fail((error as Error).message);
  }
  if (storeChoice.kind === 'postgres' && !storeChoice.databaseUrl)
    fail('--store postgres needs --database-url (or RELAY_DATABASE_URL)');

  if (command === 'migrate-store') {
    const url =
      values['database-url'] ??
      env.RELAY_DATABASE_URL ??
      fail('--database-url (or RELAY_DATABASE_URL) of the PostgreSQL database to copy into is required');
    print(await migrateStore(dataDir, url));
    return;
  }

  if (command === 'serve') {
    const log = relayLogger(env.RELAY_LOG_LEVEL ?? 'info');
    const certFile = values['tls-cert'] ?? env.RELAY_TLS_CERT;
    const keyFile = values['tls-key'] ?? env.RELAY_TLS_KEY;
    if (Boolean(certFile) !== Boolean(keyFile)) fail('--tls-cert and --tls-key go together');
    const allowlistOn = (values.allowlist ?? env.RELAY_ALLOWLIST ?? 'on') === 'on';
    const customIps = list(env.RELAY_ALLOWLIST_IPS);
    const commit = env.RELAY_COMMIT ?? 'group';
    if (commit !== 'group' && commit !== 'each') fail('RELAY_COMMIT must be group or each');
    const retentionDays = Number(env.RELAY_RETENTION_DAYS ?? DEFAULT_RETENTION_MS / 86_400_000);
    const relay = await startRelay({
      dataDir,
      port: Number(values.port ?? env.RELAY_PORT ?? 8080),
      host: values.host ?? env.RELAY_HOST ?? '0.0.0.0',
      ...(certFile && keyFile ? { tls: { cert: readFileSync(certFile), key: readFileSync(keyFile) } } : {}),
      trustProxy: list(values['trust-proxy'] ?? env.RELAY_TRUST_PROXY),
      allowlist: allowlistOn ? (customIps.length > 0 ? customIps : defaultAllowlist) : null,
      ...(publicUrl ? { publicUrl } : {}),
      adminToken: env.RELAY_ADMIN_TOKEN || null,
      metricsToken: env.RELAY_METRICS_TOKEN || null,
      retentionMs: retentionDays * 86_400_000,
      rateLimit: {
        hooksPerMinute: perMinute(env.RELAY_RATE_HOOKS, 3000),
        pullPerMinute: perMinute(env.RELAY_RATE_PULL, 600),
      },
      commit,
      storeChoice,
      logger: log,
    });
    const stop = (): void => {
      void relay.close().then(() => process.exit(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    return;
  }

  if (command !== 'channel') fail(usage);
  const store = await openRelayStore(storeChoice, dataDir);
  try {
    switch (sub) {
      case 'add': {
        if (!name) fail('channel add <name> --public-key <file>');
        const keyFile = values['public-key'] ?? fail('--public-key <file> is required');
        if (!publicUrl) fail('--public-url (or RELAY_PUBLIC_URL) is required to print the callback URL');
        print(await addChannel(store, name, readFileSync(keyFile, 'utf8'), publicUrl, values.owner ?? null));
        break;
      }
      case 'list':
        print(await listChannels(store, values.owner));
        break;
      case 'rotate':
        if (!name) fail('channel rotate <name>');
        if (!publicUrl) fail('--public-url (or RELAY_PUBLIC_URL) is required to print the callback URL');
        print(await rotateChannel(store, name, publicUrl));
        break;
      case 'remove':
        if (!name) fail('channel remove <name>');
        await removeChannel(store, name);
        print({ removed: name });
        break;
      case 'rules': {
        if (!name)
          fail(
            'channel rules <name> [--shortcodes ...] [--account-pattern ...] [--min-amount ...] [--max-amount ...] | --clear',
          );
        const rules = rulesFromFlags(values);
        if (values.clear && Object.keys(rules).length > 0) fail('--clear removes the rules: give it alone');
        print({ channel: name, c2bRules: await setChannelRules(store, name, values.clear ? null : rules) });
        break;
      }
      default:
        fail(usage);
    }
  } catch (error) {
    if (error instanceof ChannelError) fail(error.message);
    throw error;
  } finally {
    await store.close();
  }
}

/** Only the flags given become rules; setChannelRules says what is wrong with them. */
function rulesFromFlags(values: {
  shortcodes?: string;
  'account-pattern'?: string;
  'min-amount'?: string;
  'max-amount'?: string;
}): C2bRules {
  const rules: C2bRules = {};
  if (values.shortcodes !== undefined) rules.shortcodes = list(values.shortcodes);
  if (values['account-pattern'] !== undefined) rules.accountPattern = values['account-pattern'];
  if (values['min-amount'] !== undefined) rules.minAmount = shillings('--min-amount', values['min-amount']);
  if (values['max-amount'] !== undefined) rules.maxAmount = shillings('--max-amount', values['max-amount']);
  return rules;
}

function shillings(flag: string, value: string): number {
  if (!/^\d{1,15}$/.test(value)) fail(`${flag} must be a whole number of shillings, got ${JSON.stringify(value)}`);
  return Number(value);
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`relay: ${(error as Error).message}\n`);
  process.exit(1);
});
