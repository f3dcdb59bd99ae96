// `users add|list|disable|reset-password|password`: the profile's accounts from the command line.
// Whatever changes an account signs the acting person in first (--user and MSHAHARA_PASSWORD);
// the users domain refuses anyone who is not an admin, with words that name the role needed.
import { formatDateTime } from '../../../shared/format';
import { roles, roleWords } from '../../../shared/roles';
import type { OpenedProfileDatabase } from '../../composition/profile-database';
import type { SecretStore } from '../../secrets/secret-store';
import {
  addAccount,
  changePassword,
  disableAccount,
  listAccounts,
  resetPassword,
  type Account,
} from '../../users/accounts';
import { requireActorWithRole } from '../../users/account-rows';
import { openProfileForCommand } from '../open-profile';
import { line, table, type CliIo } from '../output';
import {
  actingPassword,
  chosenPassword,
  newPasswordVariable,
  passwordVariable,
  requireUserOption,
  signInAs,
} from '../sign-in';
import { defaultProfileName, parseCommand, UsageError } from '../usage';

export const usersHelp = `Usage: npm run cli -- users <subcommand> [options] [--profile <name>]

  users add <name> --role <role>… [--display-name <text>] --user <admin>
                           adds an account; --role again for each role it holds
                           (${roles.join(', ')})
  users list [--json]      every account: roles, state, second factor
  users disable <name> --user <admin>
                           the account can no longer sign in; its history stays
  users reset-password <name> --user <admin>
                           sets a one-time password (ends a lock-out); the person chooses
                           their own at the next sign-in
  users password --user <name>
                           changes your own password (needed before anything else after
                           an account is added or its password reset)

Roles:
${roles.map((role) => `  ${role.padEnd(16)} ${roleWords[role].does}`).join('\n')}

The acting person (--user) signs in with the password in ${passwordVariable}, or asked without
echo on a terminal. A new account's first password, a reset password and your own new password
come from ${newPasswordVariable}, or are asked twice without echo on a terminal. Passwords are
never flags. Only an admin adds, disables or resets accounts.
Exit codes: 0 done, 1 refused (the reason on stderr), 2 the command line is wrong.
`;

interface UsersDependencies {
  secrets: () => SecretStore;
}

export async function usersCommand(args: string[], io: CliIo, deps: UsersDependencies): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      role: { type: 'string', multiple: true },
      'display-name': { type: 'string' },
      user: { type: 'string' },
      json: { type: 'boolean' },
    },
    usersHelp,
  );
  if (values.help === true) {
    io.out.write(usersHelp);
    return 0;
  }
  const [subcommand, name, ...extra] = positionals;
  const profileName = values.profile ?? defaultProfileName;
  if (extra.length > 0) throw new UsageError(`users ${subcommand ?? ''} takes one username`, usersHelp);

  if (subcommand === 'list') {
    if (name !== undefined) throw new UsageError('users list takes no username', usersHelp);
    const opened = await openProfileForCommand(profileName, { io, secrets: deps.secrets });
    try {
      printAccounts(listAccounts(opened.db), values.json === true, io);
      return 0;
    } finally {
      opened.close();
    }
  }
  if (subcommand === 'password') {
    if (name !== undefined)
      throw new UsageError('users password changes your own: give --user, no username', usersHelp);
    const user = requireUserOption(values.user, 'users password', usersHelp);
    return withProfile(profileName, io, deps.secrets, async ({ db }) => {
      const currentPassword = await actingPassword(io, user);
      const newPassword = await chosenPassword(io, newPasswordVariable, user);
      const account = await changePassword(db, { username: user, currentPassword, newPassword });
      line(io.out, `Password changed for ${account.username}.`);
    });
  }
  if (subcommand !== 'add' && subcommand !== 'disable' && subcommand !== 'reset-password')
    throw new UsageError(
      subcommand === undefined
        ? 'users needs a subcommand: add, list, disable, reset-password, password'
        : `Unknown users subcommand "${subcommand}"`,
      usersHelp,
    );
  if (name === undefined) throw new UsageError(`users ${subcommand} needs a username`, usersHelp);
  if (subcommand === 'add' && (values.role === undefined || values.role.length === 0))
    throw new UsageError(`users add needs at least one --role (${roles.join(', ')})`, usersHelp);
  const user = requireUserOption(values.user, `users ${subcommand}`, usersHelp);

  return withProfile(profileName, io, deps.secrets, async ({ db, profile }) => {
    const actor = await signInAs(db, profile.name, deps.secrets, io, user);
    switch (subcommand) {
      case 'add': {
        requireActorWithRole(db, actor, 'admin', 'add accounts'); // before asking for a password
        const password = await chosenPassword(io, newPasswordVariable, name);
        const account = await addAccount(
          db,
          { username: name, displayName: values['display-name'] ?? name, roles: values.role ?? [], password },
          actor,
        );
        line(
          io.out,
          `Added ${account.username} (${account.roles.join(', ')}); they choose their own password at first sign-in.`,
        );
        return;
      }
      case 'disable': {
        const account = disableAccount(db, name, actor);
        line(io.out, `${account.username} is disabled: they can no longer sign in.`);
        return;
      }
      case 'reset-password': {
        requireActorWithRole(db, actor, 'admin', 'reset passwords');
        const password = await chosenPassword(io, newPasswordVariable, name);
        const account = await resetPassword(db, name, password, actor);
        line(io.out, `One-time password set for ${account.username}; they choose their own at the next sign-in.`);
        return;
      }
    }
  });
}

/** Opens the profile holding its lock (accounts change), runs `work`, and closes it whatever happens. */
async function withProfile(
  profileName: string,
  io: CliIo,
  secrets: () => SecretStore,
  work: (opened: OpenedProfileDatabase) => Promise<void>,
): Promise<number> {
  const opened = await openProfileForCommand(profileName, { io, secrets, exclusive: true });
  try {
    await work(opened);
    return 0;
  } finally {
    opened.close();
  }
}

function stateOf(account: Account, now: number): string {
  if (account.disabledAt !== null) return `disabled ${formatDateTime(account.disabledAt)}`;
  if (account.lockedUntil !== null && Date.parse(account.lockedUntil) > now)
    return `locked until ${formatDateTime(account.lockedUntil)}`;
  if (account.mustChangePassword) return 'enabled, must choose a password';
  return 'enabled';
}

function printAccounts(accounts: Account[], json: boolean, io: CliIo): void {
  if (json) {
    io.out.write(`${JSON.stringify(accounts, null, 2)}\n`);
    return;
  }
  if (accounts.length === 0) {
    line(io.out, 'No accounts yet: create the first admin with "init --admin <name>".');
    return;
  }
  const now = Date.now();
  const rows = [
    ['username', 'name', 'roles', 'second factor', 'state'],
    ...accounts.map((a) => [
      a.username,
      a.displayName,
      a.roles.join(', '),
      a.totpEnabled ? 'yes' : 'no',
      stateOf(a, now),
    ]),
  ];
  for (const row of table(rows).split('\n')) line(io.out, row);
}
