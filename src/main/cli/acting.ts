// Who acts on the command line, and whether they may. Every command that changes anything names
// the contract methods it does the work of (commandMethods); the person given by --user signs in
// and is checked by the contract's own rule (checkAccess), so the command line refuses exactly
// what the app refuses, in the same words, naming the role needed. Reading needs no --user, except
// where the contract keeps the reading to some roles (readingCommandMethods: the audit log).
import type { MethodName } from '../../shared/contract';
import type { Caller } from '../../shared/contract/access';
import { openProfileApp, type ProfileApp, type ProfileAppOptions } from '../composition/open-profile-app';
import type { ProfileDatabase } from '../db';
import type { RunApprover } from '../payroll/runs';
import type { SecretStore } from '../secrets/secret-store';
import { checkAccess } from '../transports/access';
import { warnOfAuditCheck } from './audit-alarm';
import type { CliIo } from './output';
import { signInCaller } from './sign-in';

/**
 * Each command that changes anything, and the contract methods whose work it does: the signed-in
 * person must be allowed every one of them. docs/roles.md lists the same table in words.
 */
export const commandMethods = {
  'pay --yes': ['runs.createFromFile', 'runs.start'],
  'runs approve': ['runs.approve'],
  'runs start': ['runs.start'],
  // A retry takes two people: with no open request --user asks, with one an approver approves it.
  'runs retry (ask)': ['runs.requestRetry'],
  'runs retry (approve)': ['runs.approveRetry'],
  'runs cancel': ['runs.cancel'],
  'runs pause': ['runs.pause'],
  'runs resume': ['runs.resume'],
  'runs resolve': ['runs.resolve'],
  refund: ['refunds.request'],
  'refunds approve': ['refunds.approve'],
  'refunds decline': ['refunds.decline'],
  'workers import --yes': ['workers.importCommit'],
  'statement import': ['statements.import'],
  'reconcile finish': ['reconcile.tickMatched', 'reconcile.finish'],
  'relay register': ['relay.connect'],
  'relay save': ['relay.connect'],
  balance: ['balance.refresh'],
  'lookup --record': ['lookup.record'],
  'init --approvals': ['settings.update'],
  'init --update-secrets': ['profiles.updateCredentials'],
  collect: ['collections.request'],
  'c2b register': ['collections.registerUrls'],
  'collections checked': ['collections.markChecked'],
  'collections settle': ['collections.settleSuccess'],
  'reverse --yes': ['reversals.request'],
  'reversals approve': ['reversals.approve'],
  'reversals recover': ['reversals.resolve'],
  'profiles backup': ['profiles.backup'],
  'profiles restore': ['profiles.restore'],
} as const satisfies Record<string, readonly [MethodName, ...MethodName[]]>;

export type ChangingCommand = keyof typeof commandMethods;

/**
 * Each command that only reads but whose contract methods are kept to some roles: the command line
 * refuses the same people the screens refuse, so it signs --user in for these too.
 */
export const readingCommandMethods = {
  'audit verify': ['audit.verify'],
  'audit list': ['audit.list'],
  'audit list --export': ['audit.export'],
  'collections list': ['collections.list'],
  lookup: ['lookup.receipt'],
  'reversals list': ['reversals.list'],
} as const satisfies Record<string, readonly [MethodName, ...MethodName[]]>;

export type ReadingCommand = keyof typeof readingCommandMethods;

/**
 * Signs `username` in to the open profile and checks they may do everything `command` does;
 * throws sign-in's refusal or the contract's ForbiddenError otherwise.
 */
export async function actingPerson(
  db: ProfileDatabase,
  profile: string,
  secrets: () => SecretStore,
  io: CliIo,
  username: string,
  command: ChangingCommand,
): Promise<Caller> {
  return signedInFor(db, profile, secrets, io, username, commandMethods[command]);
}

/** Signs `username` in and checks they may read what `command` shows, as actingPerson does for a change. */
export async function readingPerson(
  db: ProfileDatabase,
  profile: string,
  secrets: () => SecretStore,
  io: CliIo,
  username: string,
  command: ReadingCommand,
): Promise<Caller> {
  return signedInFor(db, profile, secrets, io, username, readingCommandMethods[command]);
}

async function signedInFor(
  db: ProfileDatabase,
  profile: string,
  secrets: () => SecretStore,
  io: CliIo,
  username: string,
  methods: readonly MethodName[],
): Promise<Caller> {
  const caller = await signInCaller(db, profile, secrets, io, username);
  for (const method of methods) checkAccess(method, caller);
  return caller;
}

/** The person as the payroll domain takes them: the name for the audit log, the account as maker or approver. */
export function runActorOf(caller: Caller): RunApprover {
  return { name: caller.username, accountId: caller.accountId };
}

export interface ActingApp {
  app: ProfileApp;
  caller: Caller;
}

/**
 * Opens the profile with its engine stopped, signs --user in and checks `command`, and only then
 * starts the engine (unless `startEngine: false`): a wrong password or a missing role must not
 * have resumed anyone's payments on the way to being refused.
 */
export async function openProfileAppAs(
  profile: string,
  options: ProfileAppOptions,
  io: CliIo,
  username: string,
  command: ChangingCommand,
): Promise<ActingApp> {
  const app = await openProfileApp(profile, { ...options, startEngine: false });
  try {
    await warnOfAuditCheck(app, io);
    const caller = await actingPerson(app.db, app.profile.name, options.secrets, io, username, command);
    if (options.startEngine !== false) {
      await app.engine.start();
      app.moneyIn.start();
    }
    return { app, caller };
  } catch (error) {
    await app.close();
    throw error;
  }
}
