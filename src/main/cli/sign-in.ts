// Who is acting on the command line: `--user <name>` and a password from MSHAHARA_PASSWORD or a
// hidden prompt, checked by the same sign-in as the app (slow-down, lock-out, second factor). A
// password is never a flag (it would stay in the shell history) and is never printed.
import type { Caller } from '../../shared/contract/access';
import { ForbiddenError, ValidationError } from '../../shared/errors';
import type { ProfileDatabase } from '../db';
import type { SecretStore } from '../secrets/secret-store';
import { signIn } from '../users/signin';
import type { CliIo } from './output';
import { askHidden } from './prompt';
import { UsageError } from './usage';

export const passwordVariable = 'MSHAHARA_PASSWORD';
export const newPasswordVariable = 'MSHAHARA_NEW_PASSWORD';
export const codeVariable = 'MSHAHARA_TOTP_CODE';

function fromEnv(io: CliIo, variable: string): string | undefined {
  const value = io.env[variable];
  return value === undefined || value === '' ? undefined : value;
}

function noTerminal(variable: string, what: string): ValidationError {
  return new ValidationError(`No ${what} given: set ${variable}, or run the command on a terminal to be asked.`);
}

/** The acting person's password: MSHAHARA_PASSWORD, else asked once without echo. */
export async function actingPassword(io: CliIo, username: string): Promise<string> {
  const given = fromEnv(io, passwordVariable);
  if (given !== undefined) return given;
  if (io.input.isTTY !== true) throw noTerminal(passwordVariable, 'password');
  return askHidden(`Password for ${username}: `, io.input, io.err);
}

/**
 * A password being chosen (a first admin's, or a first or reset password an admin hands over):
 * from `variable`, else asked twice without echo; the two must match.
 */
export async function chosenPassword(io: CliIo, variable: string, whose: string): Promise<string> {
  const given = fromEnv(io, variable);
  if (given !== undefined) return given;
  if (io.input.isTTY !== true) throw noTerminal(variable, `password for ${whose}`);
  const first = await askHidden(`New password for ${whose}: `, io.input, io.err);
  const again = await askHidden(`The same password again: `, io.input, io.err);
  if (first !== again) throw new ValidationError('The two passwords differ; nothing was changed. Try again.');
  return first;
}

/** `--user` is required on every command that changes anything. */
export function requireUserOption(user: string | undefined, doing: string, help: string): string {
  if (user === undefined || user.trim() === '')
    throw new UsageError(`${doing} needs --user <your username> (and your password in ${passwordVariable})`, help);
  return user;
}

/**
 * Signs `username` in to the profile, or throws a ForbiddenError with sign-in's own words (an
 * unknown name and a wrong password read the same). Returns the username as stored.
 */
export async function signInAs(
  db: ProfileDatabase,
  profile: string,
  secrets: () => SecretStore,
  io: CliIo,
  username: string,
): Promise<string> {
  return (await signInCaller(db, profile, secrets, io, username)).username;
}

/**
 * Signs `username` in as signInAs does, and answers the person as every door knows them: their
 * account, name and roles, for the same access check the contract makes.
 */
export async function signInCaller(
  db: ProfileDatabase,
  profile: string,
  secrets: () => SecretStore,
  io: CliIo,
  username: string,
): Promise<Caller> {
  const password = await actingPassword(io, username);
  const keychain = {
    get store() {
      return secrets();
    },
    profile,
  };
  let result = await signIn(db, keychain, { username, password, now: new Date() });
  if (!result.ok && result.reason === 'code_needed') {
    const code =
      fromEnv(io, codeVariable) ??
      (io.input.isTTY === true ? await askHidden('Authenticator code: ', io.input, io.err) : undefined);
    if (code === undefined) throw new ForbiddenError(`${result.message} Set ${codeVariable} to give it.`);
    result = await signIn(db, keychain, { username, password, code, now: new Date() });
  }
  if (!result.ok) throw new ForbiddenError(result.message, { code: result.reason });
  if (result.mustChangePassword)
    throw new ForbiddenError(
      `${result.account.username} must choose their own password before doing anything else: run "users password --user ${result.account.username}" with the current password in ${passwordVariable} and the new one in ${newPasswordVariable}.`,
      { code: 'must_change_password' },
    );
  const { account } = result;
  return { accountId: account.id, username: account.username, displayName: account.displayName, roles: result.roles };
}
