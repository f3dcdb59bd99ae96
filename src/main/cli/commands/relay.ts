// `relay`: sets a profile up with the companion relay from the command line, as Settings does in
// the app. Once set up, `pay` and `balance` receive Daraja's callbacks through the relay (and
// catch up on what arrived while they were not running) instead of on a loopback port.
import { ValidationError } from '../../../shared/errors';
import {
  channelPublicKey,
  registerProfileChannel,
  relaySettings,
  saveRegistrationJson,
  type RelaySettings,
} from '../../callback-sources/relay-client/setup';
import type { SecretStore } from '../../secrets/secret-store';
import { readInputFile } from '../input-file';
import { line, type CliIo } from '../output';
import { askHidden } from '../prompt';
import { defaultProfileName, parseCommand, UsageError } from '../usage';
import { actingPerson } from '../acting';
import { openProfileForCommand } from '../open-profile';
import { requireUserOption } from '../sign-in';

export const relayAdminTokenVariable = 'MSHAHARA_RELAY_ADMIN_TOKEN';

export const relayHelp = `Usage: npm run cli -- relay <key|register|save|show> [--profile <name>] [options]

Sets the profile up with the companion relay that receives Daraja's callbacks for it.

  relay key                         prints the channel public key (PEM) to give the relay operator
                                    for \`channel add --public-key\`; makes the key pair on first use
  relay register --relay-url <url> [--name <channel name>] --user <admin>
                                    registers the channel in one step with the relay's admin token,
                                    read from ${relayAdminTokenVariable} or asked for on a terminal
  relay save --relay-url <url> <file> --user <admin>
                                    keeps what \`channel add\` printed (its JSON; - reads stdin)
  relay show                        which relay and channel the profile uses

register and save change where callbacks come from: only an admin (--user, signed in with
MSHAHARA_PASSWORD or a password asked without echo). key and show only read.
The channel private key, the pull token and the callback address (it holds the channel secret)
go to the OS keychain; the relay address and channel id to the profile's database.
`;

export async function relayCommand(args: string[], io: CliIo, deps: { secrets: () => SecretStore }): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { 'relay-url': { type: 'string' }, name: { type: 'string' }, user: { type: 'string' } },
    relayHelp,
  );
  const [action, file] = positionals;
  if (values.help === true || action === undefined) {
    io.out.write(relayHelp);
    return action === undefined && values.help !== true ? 2 : 0;
  }
  const profileName = values.profile ?? defaultProfileName;
  // register and save change where callbacks come from: never under a running engine's feet, and
  // only by an admin, signed in.
  const changes = action === 'register' || action === 'save';
  const user = changes ? requireUserOption(values.user, `relay ${action}`, relayHelp) : undefined;
  const opened = await openProfileForCommand(profileName, { io, secrets: deps.secrets, exclusive: changes });
  try {
    const { db, profile } = opened;
    if (user !== undefined && changes)
      await actingPerson(
        db,
        profile.name,
        deps.secrets,
        io,
        user,
        action === 'register' ? 'relay register' : 'relay save',
      );
    switch (action) {
      case 'key':
        io.out.write(await channelPublicKey(deps.secrets(), profile.name));
        return 0;
      case 'show': {
        const settings = relaySettings(db);
        line(
          io.out,
          settings === null
            ? `Profile "${profile.name}" has no relay: callbacks come to a loopback port.`
            : describe(settings),
        );
        return 0;
      }
      case 'register': {
        const relayUrl = requiredRelayUrl(values['relay-url'] ?? profile.relayUrl ?? undefined);
        const adminToken = await adminTokenFrom(io);
        const settings = await registerProfileChannel({
          db,
          secrets: deps.secrets(),
          profile: profile.name,
          relayUrl,
          adminToken,
          channelName: values.name ?? profile.name,
        });
        line(io.out, describe(settings));
        return 0;
      }
      case 'save': {
        const relayUrl = requiredRelayUrl(values['relay-url'] ?? profile.relayUrl ?? undefined);
        if (file === undefined)
          throw new UsageError('relay save needs the file `channel add` printed (or - for stdin)', relayHelp);
        const registrationJson =
          file === '-' ? await readAll(io.input) : Buffer.from(readInputFile(file)).toString('utf8');
        const settings = await saveRegistrationJson({
          db,
          secrets: deps.secrets(),
          profile: profile.name,
          relayUrl,
          registrationJson,
        });
        line(io.out, describe(settings));
        return 0;
      }
      default:
        throw new UsageError(`Unknown relay action "${action}"`, relayHelp);
    }
  } finally {
    opened.close();
  }
}

function describe(settings: RelaySettings): string {
  return `Callbacks come through the relay at ${settings.relayUrl}, channel ${settings.channel}.`;
}

function requiredRelayUrl(url: string | undefined): string {
  if (url === undefined || url === '')
    throw new UsageError('Give the relay address with --relay-url <url> (or set it at init).', relayHelp);
  return url;
}

async function adminTokenFrom(io: CliIo): Promise<string> {
  const fromEnv = io.env[relayAdminTokenVariable];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (io.input.isTTY === true) {
    const answer = await askHidden('Relay admin token: ', io.input, io.err);
    if (answer !== '') return answer;
  }
  throw new ValidationError(
    `The relay admin token is needed: set ${relayAdminTokenVariable} (it is used once and not kept), or use \`relay key\` and \`relay save\`.`,
  );
}

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
