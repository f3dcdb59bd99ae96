// `init`: creates a profile (its folder, profile.json and, for sandbox/production/custom, its
// credentials in the OS keychain, read from environment variables or asked for on a terminal).
import { ValidationError } from '../../../shared/errors';
import {
  createProfile,
  loadProfile,
  needsCredentials,
  profileFolder,
  profileKinds,
  requiredCredentials,
  saveProfileSecrets,
  secretEnvironmentVariables,
  type CertificateChoice,
  type CredentialName,
  type ProfileKind,
  type ProfileSettings,
} from '../../profiles';
import type { SecretStore } from '../../secrets/secret-store';
import { line, type CliIo } from '../output';
import { askHidden } from '../prompt';
import { defaultProfileName, integerOption, parseCommand, positiveNumber, UsageError } from '../usage';
import { initAccounts } from './init-accounts';
import { passwordVariable, requireUserOption } from '../sign-in';
import { actingPerson } from '../acting';
import { openProfileForCommand } from '../open-profile';

export const initHelp = `Usage: npm run cli -- init --profile <name> --kind demo|sandbox|production|custom [options]
       npm run cli -- init --admin <name> [--display-name <text>] [--profile <name>]
       npm run cli -- init --approvals 1|2|3 --user <admin> [--profile <name>]

Creates a profile: its own folder, database and settings (and keychain entries).

  --kind <kind>            demo (the built-in simulator, no credentials), sandbox, production, custom
  --base-url <url>         Daraja's address (demo: a simulator already running; custom: required)
  --relay-url <url>        the companion relay that receives Daraja's callbacks
  --shortcode <n>          the B2C shortcode that pays (required for sandbox, production, custom)
  --initiator-name <name>  the API operator (initiator) username (required for sandbox, production, custom)
  --certificate <c>        bundled-sandbox, bundled-production, simulator, or a .cer file path
  --stk-shortcode <n>      the paybill or till for M-Pesa Express
  --rate <n>               payments sent per second (default 20)
  --concurrency <n>        payments awaiting Daraja's answer at once (default 20)
  --callback-port <n>      fixed loopback port for callbacks until a relay is set up (default: any free port)
  --update-secrets         (existing profile) read its credentials again; needs --user <admin>
  --admin <name>           create the profile's first admin (refused once it has one); the
                           password comes from ${passwordVariable}, or is asked twice without echo;
                           a demo profile also gets its sample people (amina, baraka, chebet),
                           who sign in with the same password
  --display-name <text>    the first admin's name as colleagues know it (default: the username)
  --approvals 1|2|3        how many people act on a payroll run: 1 the maker alone (single
                           person), 2 the maker and one approver (the default), 3 the maker and
                           two approvers; needs --user <admin> and ${passwordVariable}
  --user <name>            who is acting (an admin), signed in with ${passwordVariable} or a hidden prompt

Credentials are never flags (they would stay in the shell history). They are read from
${Object.values(secretEnvironmentVariables).join(', ')}
or, on a terminal, asked for without echo; they go to the OS keychain, never to a file.
`;

export interface InitDependencies {
  secrets: () => SecretStore;
}

export async function initCommand(args: string[], io: CliIo, deps: InitDependencies): Promise<number> {
  const { values } = parseCommand(
    args,
    {
      kind: { type: 'string' },
      'base-url': { type: 'string' },
      'relay-url': { type: 'string' },
      shortcode: { type: 'string' },
      'initiator-name': { type: 'string' },
      certificate: { type: 'string' },
      'stk-shortcode': { type: 'string' },
      rate: { type: 'string' },
      concurrency: { type: 'string' },
      'callback-port': { type: 'string' },
      'update-secrets': { type: 'boolean' },
      admin: { type: 'string' },
      'display-name': { type: 'string' },
      approvals: { type: 'string' },
      user: { type: 'string' },
    },
    initHelp,
  );
  if (values.help === true) {
    io.out.write(initHelp);
    return 0;
  }
  const accountsWork = values.admin !== undefined || values.approvals !== undefined;
  if (accountsWork && values.kind === undefined) {
    await initAccounts(values.profile ?? defaultProfileName, values, io, deps.secrets, initHelp);
    return 0;
  }
  const name = values.profile;
  if (name === undefined) throw new UsageError('init needs --profile <name>', initHelp);

  if (values['update-secrets'] === true) {
    const user = requireUserOption(values.user, 'init --update-secrets', initHelp);
    const profile = loadProfile(name);
    // Only an admin changes a profile's M-Pesa credentials, signed in to that profile.
    const opened = await openProfileForCommand(profile.name, { io, secrets: deps.secrets, exclusive: true });
    try {
      await actingPerson(opened.db, profile.name, deps.secrets, io, user, 'init --update-secrets');
      await storeCredentials(profile, io, deps.secrets());
    } finally {
      opened.close();
    }
    return 0;
  }
  const kind = values.kind;
  if (kind === undefined || !(profileKinds as readonly string[]).includes(kind)) {
    throw new UsageError(`init needs --kind ${profileKinds.join('|')}`, initHelp);
  }
  const profile = createProfile({
    name,
    kind: kind as ProfileKind,
    baseUrl: values['base-url'] ?? null,
    relayUrl: values['relay-url'] ?? null,
    shortcode: values.shortcode,
    initiatorName: values['initiator-name'],
    certificate: certificateOption(values.certificate),
    stkShortcode: values['stk-shortcode'] ?? null,
    sendRatePerSecond: positiveNumber(values.rate, '--rate', initHelp),
    concurrency: integerOption(values.concurrency, '--concurrency', initHelp, 1, 500),
    callbackPort: integerOption(values['callback-port'], '--callback-port', initHelp, 1, 65535) ?? null,
  });
  if (needsCredentials(profile.kind)) await storeCredentials(profile, io, deps.secrets());
  line(io.out, `Profile "${profile.name}" (${profile.kind}) created in ${profileFolder(profile.name)}.`);
  if (accountsWork) await initAccounts(profile.name, values, io, deps.secrets, initHelp);
  return 0;
}

function certificateOption(value: string | undefined): CertificateChoice | undefined {
  switch (value) {
    case undefined:
      return undefined;
    case 'bundled-sandbox':
    case 'bundled-production':
    case 'simulator':
      return value;
    default:
      return { path: value };
  }
}

async function storeCredentials(profile: ProfileSettings, io: CliIo, store: SecretStore): Promise<void> {
  const values: Partial<Record<CredentialName, string>> = {};
  const missing: CredentialName[] = [];
  for (const name of Object.keys(secretEnvironmentVariables) as CredentialName[]) {
    const fromEnv = io.env[secretEnvironmentVariables[name]];
    if (fromEnv !== undefined && fromEnv !== '') values[name] = fromEnv;
    else if (io.input.isTTY === true) {
      const optional = !requiredCredentials.includes(name);
      const answer = await askHidden(
        `${label(name)}${optional ? ' (optional, Enter to skip)' : ''}: `,
        io.input,
        io.err,
      );
      if (answer !== '') values[name] = answer;
    }
    if (values[name] === undefined && requiredCredentials.includes(name)) missing.push(name);
  }
  if (missing.length > 0) {
    throw new ValidationError(
      `The ${profile.kind} profile "${profile.name}" needs ${missing.map(label).join(', ')}: set ${missing
        .map((n) => secretEnvironmentVariables[n])
        .join(', ')} and run init again with --update-secrets.`,
    );
  }
  const saved = await saveProfileSecrets(store, profile, values);
  line(io.err, `Saved ${saved.map(label).join(', ')} for "${profile.name}" in the OS keychain.`);
}

function label(name: CredentialName): string {
  switch (name) {
    case 'consumer-key':
      return 'consumer key';
    case 'consumer-secret':
      return 'consumer secret';
    case 'initiator-password':
      return 'initiator password';
    case 'stk-passkey':
      return 'M-Pesa Express passkey';
    default: {
      const unexpected: never = name;
      return String(unexpected);
    }
  }
}
