// The profile's two policies saved together, as the admin's Settings changes them: the sign-in
// policy (policy.ts) and how many people act on a payroll run (payroll/approval-policy.ts). Both
// are written in one transaction, so a refused part leaves neither changed; and "single person",
// where the maker approves their own runs, is taken only when the admin has confirmed it.
import { ValidationError } from '../../shared/errors';
import type { ProfileDatabase } from '../db';
import {
  approvalPolicy,
  describePolicy,
  saveApprovalPolicy,
  type ApprovalPolicy,
  type ApprovalPolicyChange,
} from '../payroll/approval-policy';
import { saveSignInPolicy, signInPolicy, type SignInPolicy } from './policy';

export interface ProfilePolicies {
  signIn: SignInPolicy;
  approval: ApprovalPolicy;
  approvalPolicyWords: string;
}

export interface ProfilePoliciesChange {
  signIn?: Partial<SignInPolicy> | undefined;
  approval?: ApprovalPolicyChange | undefined;
  /** The admin has read that the maker will approve their own runs, and chooses it. */
  singlePersonConfirmed?: boolean | undefined;
}

export function profilePolicies(db: ProfileDatabase): ProfilePolicies {
  const approval = approvalPolicy(db);
  return { signIn: signInPolicy(db), approval, approvalPolicyWords: describePolicy(approval) };
}

function definedOnly<T extends object>(change: T): Partial<T> {
  return Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** An admin saves either policy or both; each change is audited by the policy's own writer. */
export function saveProfilePolicies(
  db: ProfileDatabase,
  change: ProfilePoliciesChange,
  actor: string,
): ProfilePolicies {
  db.transaction(() => {
    if (change.signIn !== undefined) saveSignInPolicy(db, definedOnly(change.signIn), actor);
    if (change.approval !== undefined) {
      const choosingSinglePerson = change.approval.people === 1 && approvalPolicy(db).people !== 1;
      if (choosingSinglePerson && change.singlePersonConfirmed !== true)
        throw new ValidationError(
          'Single person means the maker approves and sends their own runs, with nobody else looking: confirm that this is what you want.',
          { field: ['approval', 'people'], code: 'confirm_single_person' },
        );
      saveApprovalPolicy(db, definedOnly(change.approval), actor);
    }
  }).immediate();
  return profilePolicies(db);
}
