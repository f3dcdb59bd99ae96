// Contract methods for the people of a profile and their policies: the admin's accounts list and
// changes, the sign-in and approval policies, and each signed-in person's own account (password,
// second factor). A password or TOTP secret goes in, never comes back: the only exceptions are a
// first password Mshahara made for the admin to hand over, and the new authenticator key, each
// answered once, when made.
import { z } from 'zod';
import { roles } from '../roles';
import { empty, isoInstant } from './common';

const username = z.string().trim().min(1, 'Give a username').max(64, 'A username is at most 64 characters');
const password = (what: string) => z.string().min(1, `Type ${what}`).max(200, 'A password is at most 200 characters');
const roleList = z.array(z.enum(roles)).min(1, 'Give the person at least one role');

export const accountView = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(roles)),
  mustChangePassword: z.boolean(),
  /** The authenticator app (TOTP) is on for this account. */
  secondFactor: z.boolean(),
  failedSignIns: z.number().int(),
  lockedUntil: isoInstant.nullable(),
  disabledAt: isoInstant.nullable(),
  passwordSetAt: isoInstant,
  createdAt: isoInstant,
  createdBy: z.string().nullable(),
});
export type AccountView = z.output<typeof accountView>;

/** An account just given a first password: that password once, when Mshahara made it, to hand over. */
const withFirstPassword = z.object({ account: accountView, firstPassword: z.string().nullable() });

export const signInPolicyView = z.object({
  idleLockMinutes: z.number().int(),
  slowDownAfter: z.number().int(),
  lockOutAfter: z.number().int(),
  lockOutMinutes: z.number().int(),
  approversNeedSecondFactor: z.boolean(),
});
export type SignInPolicyView = z.output<typeof signInPolicyView>;

export const approvalPeople = z.union([z.literal(1), z.literal(2), z.literal(3)]);

export const approvalPolicyView = z.object({
  /** People who act on a run, the maker included: 1 is the maker alone. */
  people: approvalPeople,
  /** A run paying more than this needs one more approver (at most 3 people); null: no such total. */
  aboveCents: z.number().int().nullable(),
});
export type ApprovalPolicyView = z.output<typeof approvalPolicyView>;

export const policiesView = z.object({
  signIn: signInPolicyView,
  approval: approvalPolicyView,
  /** The approval policy as every screen shows it ("the maker and one approver; …"). */
  approvalPolicyWords: z.string(),
});
export type PoliciesView = z.output<typeof policiesView>;

const wholeNumber = z.number().int('Give a whole number');

export const usersMethods = {
  'users.list': { input: empty, output: z.object({ accounts: z.array(accountView) }) },
  'users.add': {
    input: z.strictObject({
      username,
      displayName: z.string().trim().min(1, 'Give the person’s name').max(100),
      roles: roleList,
      /** Left out: Mshahara makes one and answers it once, for the admin to hand over. */
      firstPassword: password('a first password').optional(),
    }),
    output: withFirstPassword,
  },
  'users.setRoles': { input: z.strictObject({ username, roles: roleList }), output: accountView },
  'users.disable': { input: z.strictObject({ username }), output: accountView },
  'users.enable': { input: z.strictObject({ username }), output: accountView },
  'users.resetPassword': {
    input: z.strictObject({ username, firstPassword: password('a first password').optional() }),
    output: withFirstPassword,
  },
  'users.policy': { input: empty, output: policiesView },
  'users.savePolicy': {
    input: z.strictObject({
      signIn: z
        .strictObject({
          idleLockMinutes: wholeNumber.optional(),
          slowDownAfter: wholeNumber.optional(),
          lockOutAfter: wholeNumber.optional(),
          lockOutMinutes: wholeNumber.optional(),
          approversNeedSecondFactor: z.boolean().optional(),
        })
        .optional(),
      approval: z
        .strictObject({
          people: approvalPeople.optional(),
          aboveCents: z.number().int('Amounts are whole cents').nullable().optional(),
        })
        .optional(),
      /** The admin confirmed that the maker will approve their own runs (needed to choose 1). */
      singlePersonConfirmed: z.boolean().optional(),
    }),
    output: policiesView,
  },

  'account.me': {
    input: empty,
    output: z.object({
      account: accountView,
      approvalPolicyWords: z.string(),
      /** The profile runs "single person": every screen says so. */
      singlePerson: z.boolean(),
      idleLockMinutes: z.number().int(),
    }),
  },
  'account.changePassword': {
    input: z.strictObject({
      currentPassword: password('your current password'),
      newPassword: password('a new password'),
    }),
    output: accountView,
  },
  'account.enrolSecondFactor': {
    input: empty,
    output: z.object({
      /** otpauth://totp/… for the authenticator app. */
      uri: z.string(),
      /** The same key as text, for typing into an app that cannot read the address. */
      secretKey: z.string(),
    }),
  },
  'account.confirmSecondFactor': {
    input: z.strictObject({ code: z.string().trim().min(1, 'Type the 6 digits your app shows').max(12) }),
    output: accountView,
  },
  'account.removeSecondFactor': { input: empty, output: accountView },
} as const;
