// The one check of who may call a contract method (docs/roles.md): the access each method
// declares in src/shared/contract/access.ts, and a refusal in a person's words naming the role
// needed and who is asking. callContract runs it before the input is read or the handler runs.
import { accessAllows, methodAccess, type Access, type Caller } from '../../shared/contract/access';
import type { MethodName } from '../../shared/contract';
import { ForbiddenError } from '../../shared/errors';
import { roleWords, type Role } from '../../shared/roles';

/** "A", "A and B", "A, B and C". */
function listWords(words: readonly string[], last: 'and' | 'or'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${last} ${words[words.length - 1]}`;
}

function roleNames(roles: readonly Role[], last: 'and' | 'or'): string {
  return listWords(
    roles.map((role) => roleWords[role].name),
    last,
  );
}

function neededWords(access: Exclude<Access, 'anyone'>): string {
  return access === 'signed-in' ? 'someone signed in' : `the ${roleNames(access, 'or')} role`;
}

function callerWords(caller: Caller | null): string {
  if (caller === null) return 'Nobody is signed in: sign in first.';
  const name = caller.displayName.trim() || caller.username;
  if (caller.roles.length === 0) return `${name} is signed in but holds no role; an admin gives roles.`;
  return `${name} is signed in as ${roleNames(caller.roles, 'and')}.`;
}

/**
 * The refusal when `caller` (null: nobody signed in) may not call `method`, or null when they may:
 * "Approving a payroll run needs the Approver role. Amina is signed in as Payroll officer."
 */
export function accessRefusal(
  method: MethodName,
  caller: Caller | null,
  door: { firstStart(): boolean } = { firstStart: () => false },
): ForbiddenError | null {
  const rule = methodAccess[method];
  if (rule.access === 'anyone' || accessAllows(rule.access, caller === null ? null : caller.roles)) return null;
  if (rule.atFirstStart === true && door.firstStart()) return null;
  return new ForbiddenError(`${rule.doing} needs ${neededWords(rule.access)}. ${callerWords(caller)}`, {
    code: caller === null ? 'sign_in_needed' : 'role_needed',
  });
}

/** Throws the ForbiddenError of accessRefusal unless `caller` may call `method`. */
export function checkAccess(method: MethodName, caller: Caller | null): void {
  const refusal = accessRefusal(method, caller);
  if (refusal !== null) throw refusal;
}
