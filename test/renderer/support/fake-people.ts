// The fake core's people: accounts, the sign-in and approval policies, the signed-in session and
// the person's own account, answered from the fake's data like the rest of fake-bridge.ts.
import type { AccountView, MethodOutput, PoliciesView } from '../../../src/shared/contract';
import { roles } from '../../../src/shared/roles';
import { at, refuse, type FakeData, type Handlers } from './fake-bridge';

export function anAccount(
  overrides: Partial<AccountView> & Pick<AccountView, 'id' | 'username' | 'displayName' | 'roles'>,
): AccountView {
  return {
    mustChangePassword: false,
    secondFactor: false,
    failedSignIns: 0,
    lockedUntil: null,
    disabledAt: null,
    passwordSetAt: at,
    createdAt: at,
    createdBy: null,
    ...overrides,
  };
}

const approvalWords: Record<1 | 2 | 3, string> = {
  1: 'single person: the maker approves and sends alone',
  2: 'the maker and one approver',
  3: 'the maker and two approvers',
};

export function somePolicies(approval: PoliciesView['approval'] = { people: 2, aboveCents: null }): PoliciesView {
  return {
    signIn: {
      idleLockMinutes: 10,
      slowDownAfter: 3,
      lockOutAfter: 10,
      lockOutMinutes: 15,
      approversNeedSecondFactor: false,
    },
    approval,
    approvalPolicyWords: approvalWords[approval.people],
  };
}

/** The key the fake core hands over at enrolment, and the one code it then accepts. */
export const fakeTotp = { secretKey: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', code: '492039' };
/** The first password the fake core makes when the admin types none. */
export const fakeFirstPassword = 'k7mq-x4tp-9fzr';

/** The session the fake core answers: someone holding every role, so every screen is in reach. */
export function aSession(overrides: Partial<MethodOutput<'session.current'>> = {}): MethodOutput<'session.current'> {
  return {
    profile: 'demo',
    signedIn: { accountId: 1, username: 'tester', displayName: 'Test Person', roles: [...roles] },
    mustChangePassword: false,
    mustEnrolSecondFactor: false,
    locked: null,
    needsFirstAdmin: false,
    idleLockMinutes: 10,
    approvalPolicy: { people: 2, words: 'the maker and one approver', singlePerson: false },
    demoPeople: null,
    ...overrides,
  };
}

export function peopleHandlers(data: FakeData): Handlers {
  const named = (username: string) => {
    const account = data.accounts.find((candidate) => candidate.username === username);
    if (!account) throw new Error(`There is no account "${username}".`);
    return account;
  };
  const change = (username: string, patch: Partial<AccountView>): AccountView => {
    const changed = { ...named(username), ...patch };
    data.accounts = data.accounts.map((candidate) => (candidate.username === username ? changed : candidate));
    return changed;
  };
  return {
    'users.list': () => ({ accounts: data.accounts }),
    'users.add': ({ username, displayName, roles, firstPassword }) => {
      const account = anAccount({
        id: data.accounts.length + 1,
        username,
        displayName,
        roles,
        mustChangePassword: true,
        createdBy: data.signedIn,
      });
      data.accounts = [...data.accounts, account];
      return { account, firstPassword: firstPassword === undefined ? fakeFirstPassword : null };
    },
    'users.setRoles': ({ username, roles }) => change(username, { roles }),
    'users.disable': ({ username }) => change(username, { disabledAt: at }),
    'users.enable': ({ username }) => change(username, { disabledAt: null }),
    'users.resetPassword': ({ username, firstPassword }) => ({
      account: change(username, { mustChangePassword: true, lockedUntil: null }),
      firstPassword: firstPassword === undefined ? fakeFirstPassword : null,
    }),
    'users.policy': () => data.policies,
    'users.savePolicy': ({ signIn, approval }) => {
      const next = somePolicies({ ...data.policies.approval, ...approval });
      next.signIn = { ...data.policies.signIn, ...signIn };
      data.policies = next;
      return next;
    },
    'account.me': () => ({
      account: named(data.signedIn),
      approvalPolicyWords: data.policies.approvalPolicyWords,
      singlePerson: data.policies.approval.people === 1,
      idleLockMinutes: data.policies.signIn.idleLockMinutes,
    }),
    'account.changePassword': () => change(data.signedIn, { mustChangePassword: false }),
    'account.enrolSecondFactor': () => ({
      uri: `otpauth://totp/Mshahara%20(demo):${data.signedIn}?secret=${fakeTotp.secretKey}&digits=6&period=30`,
      secretKey: fakeTotp.secretKey,
    }),
    'account.confirmSecondFactor': ({ code }) => {
      if (code !== fakeTotp.code)
        refuse({
          kind: 'validation',
          message: 'That code does not match.',
          issues: [{ path: ['code'], message: 'That code does not match.' }],
        });
      return change(data.signedIn, { secondFactor: true });
    },
    'account.removeSecondFactor': () => change(data.signedIn, { secondFactor: false }),
  };
}
