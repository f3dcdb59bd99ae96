// Contract handlers for signing in on a door (src/main/transports/door.ts), and the desk a door
// asks about the open profile: who an account is now, the idle time, whether it is First start.
import type { MethodOutput } from '../../shared/contract';
import { ConflictError, ForbiddenError, ValidationError } from '../../shared/errors';
import type { ContractHandlers } from '../transports/dispatch';
import { currentDoor } from '../transports/call-scope';
import type { Door, SignInDesk } from '../transports/door';
import { approvalPolicy, describePolicy } from '../payroll/approval-policy';
import { listProfiles } from '../profiles';
import { accountRowById, rolesOf } from '../users/account-rows';
import { changePassword, createFirstAdmin } from '../users/accounts';
import { addDemoPeople, demoPeopleNow, demoSignInWords } from '../users/demo-people';
import { defaultSignInPolicy, signInPolicy } from '../users/policy';
import { signIn } from '../users/signin';
import { appendAudit } from '../ledger/audit';
import type { ApiContext } from './context';

type SessionMethods =
  | 'session.current'
  | 'session.signIn'
  | 'session.signOut'
  | 'session.lock'
  | 'session.createFirstAdmin'
  | 'session.changePassword';

/** The desk every door of this API asks. */
export function signInDesk(ctx: ApiContext): SignInDesk {
  return {
    openProfile: () => ctx.session.current?.profile.name ?? null,
    person(profile, accountId) {
      const core = ctx.session.current;
      if (core === null || core.profile.name !== profile) return null;
      const row = accountRowById(core.db, accountId);
      if (row === undefined || row.disabled_at !== null) return null;
      const roles = rolesOf(core.db, row.id);
      const policy = signInPolicy(core.db);
      return {
        caller: { accountId: row.id, username: row.username, displayName: row.display_name, roles },
        mustChangePassword: row.must_change_password === 1,
        mustEnrolSecondFactor: row.totp_enabled === 0 && roles.includes('approver') && policy.approversNeedSecondFactor,
        idleLockMinutes: policy.idleLockMinutes,
      };
    },
    isFirstStart: () => listProfiles(ctx.dataRoot).length === 0,
  };
}

function requireDoor(): Door {
  const door = currentDoor();
  if (door === null) throw new ValidationError('Signing in happens on the desktop window or a browser page.');
  return door;
}

type SessionState = MethodOutput<'session.current'>;

export function sessionState(ctx: ApiContext, door: Door | null): SessionState {
  const core = ctx.session.current;
  const person = door?.who() ?? null;
  const policy = core === null ? null : approvalPolicy(core.db);
  const hasAccounts = core !== null && core.db.prepare('SELECT 1 FROM accounts LIMIT 1').get() !== undefined;
  return {
    profile: core?.profile.name ?? null,
    signedIn: person === null ? null : { ...person.caller, roles: [...person.caller.roles] },
    mustChangePassword: person?.mustChangePassword ?? false,
    mustEnrolSecondFactor: person?.mustEnrolSecondFactor ?? false,
    locked: person === null ? (door?.lock ?? null) : null,
    needsFirstAdmin: core !== null && !hasAccounts,
    idleLockMinutes: core === null ? defaultSignInPolicy.idleLockMinutes : signInPolicy(core.db).idleLockMinutes,
    approvalPolicy:
      policy === null
        ? { people: 2, words: 'the maker and one approver', singlePerson: false }
        : { people: policy.people, words: describePolicy(policy), singlePerson: policy.people === 1 },
    demoPeople:
      core?.profile.kind === 'demo' && hasAccounts
        ? { people: demoPeopleNow(core.db), howToSignIn: demoSignInWords }
        : null,
  };
}

export function sessionHandlers(ctx: ApiContext): Pick<ContractHandlers, SessionMethods> {
  const core = () => ctx.session.require();
  const keychain = () => ({
    get store() {
      return ctx.secrets;
    },
    profile: core().profile.name,
  });
  return {
    'session.current': () => sessionState(ctx, currentDoor()),
    'session.signIn': async ({ username, password, code }) => {
      const door = requireDoor();
      const c = core();
      const result = await signIn(c.db, keychain(), {
        username,
        password,
        ...(code === undefined || code === '' ? {} : { code }),
        now: new Date(),
      });
      // The password was right, but the profile asks approvers for a second factor this one lacks:
      // signed in to set it up and nothing else (callContract refuses the rest until it is on).
      if (!result.ok && result.reason === 'enrol_second_factor' && result.accountId !== undefined) {
        door.signIn(c.profile.name, result.accountId, username.trim());
        return { ok: true as const, session: sessionState(ctx, door) };
      }
      if (!result.ok)
        return {
          ok: false as const,
          reason: result.reason,
          message: result.message,
          ...(result.retryInSeconds === undefined ? {} : { retryInSeconds: result.retryInSeconds }),
        };
      door.signIn(c.profile.name, result.account.id, result.account.username);
      return { ok: true as const, session: sessionState(ctx, door) };
    },
    'session.signOut': () => {
      const door = requireDoor();
      const person = door.who();
      door.signOut('signed_out');
      if (person !== null)
        appendAudit(core().db, {
          actor: person.caller.username,
          action: 'account.signed_out',
          entity: 'account',
          entityId: person.caller.accountId,
          details: { username: person.caller.username },
        });
      return sessionState(ctx, door);
    },
    'session.lock': () => {
      const door = requireDoor();
      door.signOut('idle');
      return sessionState(ctx, door);
    },
    'session.createFirstAdmin': async ({ username, displayName, password }) => {
      const door = requireDoor();
      const c = core();
      const admin = await createFirstAdmin(c.db, { username, displayName, password });
      if (c.profile.kind === 'demo') addDemoPeople(c.db, admin.username);
      door.signIn(c.profile.name, admin.id, admin.username);
      return sessionState(ctx, door);
    },
    'session.changePassword': async ({ currentPassword, newPassword }) => {
      const door = requireDoor();
      const person = door.who();
      if (person === null) throw new ForbiddenError('Sign in first, then choose your password.');
      try {
        await changePassword(core().db, { username: person.caller.username, currentPassword, newPassword });
      } catch (error) {
        if (error instanceof ConflictError) door.signOut('account_changed');
        throw error;
      }
      return sessionState(ctx, door);
    },
  };
}
