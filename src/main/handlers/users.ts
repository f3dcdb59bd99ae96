// Contract handlers for the people of a profile (the admin's accounts and policies) and for each
// signed-in person's own account. Who acts is the signed-in caller, never an input; the users
// domain checks again that an admin change comes from an enabled admin. Passwords and TOTP secrets
// only pass through: none is logged or answered, except a first password Mshahara made and a new
// authenticator key, each once.
import { URI } from 'otpauth';
import type { AccountView, MethodOutput } from '../../shared/contract';
import type { Caller } from '../../shared/contract/access';
import { ForbiddenError } from '../../shared/errors';
import type { ContractHandlers } from '../transports/dispatch';
import {
  addAccount,
  changePassword,
  disableAccount,
  enableAccount,
  listAccounts,
  resetPassword,
  setRoles,
  type Account,
} from '../users/accounts';
import { requireAccountRow, accountOf } from '../users/account-rows';
import { makeFirstPassword } from '../users/first-password';
import { profilePolicies, saveProfilePolicies } from '../users/profile-policies';
import { confirmTotp, enrolTotp, removeTotp, type ProfileKeychain } from '../users/totp';
import type { ApiContext } from './context';

type UsersMethods =
  | 'users.list'
  | 'users.add'
  | 'users.setRoles'
  | 'users.disable'
  | 'users.enable'
  | 'users.resetPassword'
  | 'users.policy'
  | 'users.savePolicy'
  | 'account.me'
  | 'account.changePassword'
  | 'account.enrolSecondFactor'
  | 'account.confirmSecondFactor'
  | 'account.removeSecondFactor';

export function accountView(account: Account): AccountView {
  return {
    id: account.id,
    username: account.username,
    displayName: account.displayName,
    roles: account.roles,
    mustChangePassword: account.mustChangePassword,
    secondFactor: account.totpEnabled,
    failedSignIns: account.failedSignIns,
    lockedUntil: account.lockedUntil,
    disabledAt: account.disabledAt,
    passwordSetAt: account.passwordSetAt,
    createdAt: account.createdAt,
    createdBy: account.createdBy,
  };
}

/** The base32 key inside an otpauth:// address, for typing into an app by hand. */
function secretKeyOf(uri: string): string {
  return URI.parse(uri).secret.base32;
}

export function usersHandlers(ctx: ApiContext): Pick<ContractHandlers, UsersMethods> {
  const db = () => ctx.session.require().db;
  const keychain = (): ProfileKeychain => ({ store: ctx.secrets, profile: ctx.session.require().profile.name });
  /** The signed-in person; the access check has already refused a call from nobody. */
  const caller = (): Caller => {
    const person = ctx.caller();
    if (person === null) throw new ForbiddenError('Nobody is signed in: sign in first.', { code: 'sign_in_needed' });
    return person;
  };
  const own = (person: Caller): AccountView => {
    const d = db();
    return accountView(accountOf(d, requireAccountRow(d, person.username)));
  };

  return {
    'users.list': () => ({ accounts: listAccounts(db()).map(accountView) }),
    'users.add': async ({ username, displayName, roles, firstPassword }) => {
      const actor = caller().username;
      const password = firstPassword ?? makeFirstPassword(username);
      const account = await addAccount(db(), { username, displayName, roles, password }, actor);
      return { account: accountView(account), firstPassword: firstPassword === undefined ? password : null };
    },
    'users.setRoles': ({ username, roles }) => accountView(setRoles(db(), username, roles, caller().username)),
    'users.disable': ({ username }) => accountView(disableAccount(db(), username, caller().username)),
    'users.enable': ({ username }) => accountView(enableAccount(db(), username, caller().username)),
    'users.resetPassword': async ({ username, firstPassword }) => {
      const actor = caller().username;
      const password = firstPassword ?? makeFirstPassword(username);
      const account = await resetPassword(db(), username, password, actor);
      return { account: accountView(account), firstPassword: firstPassword === undefined ? password : null };
    },
    'users.policy': () => profilePolicies(db()),
    'users.savePolicy': (change) => saveProfilePolicies(db(), change, caller().username),

    'account.me': (): MethodOutput<'account.me'> => {
      const person = caller();
      const policies = profilePolicies(db());
      return {
        account: own(person),
        approvalPolicyWords: policies.approvalPolicyWords,
        singlePerson: policies.approval.people === 1,
        idleLockMinutes: policies.signIn.idleLockMinutes,
      };
    },
    'account.changePassword': async ({ currentPassword, newPassword }) => {
      const person = caller();
      return accountView(await changePassword(db(), { username: person.username, currentPassword, newPassword }));
    },
    'account.enrolSecondFactor': async () => {
      const person = caller();
      const { uri } = await enrolTotp(db(), keychain(), person.username, person.username);
      return { uri, secretKey: secretKeyOf(uri) };
    },
    'account.confirmSecondFactor': async ({ code }) => {
      const person = caller();
      await confirmTotp(db(), keychain(), person.username, code, person.username);
      return own(person);
    },
    'account.removeSecondFactor': async () => {
      const person = caller();
      await removeTotp(db(), keychain(), person.username, person.username);
      return own(person);
    },
  };
}
