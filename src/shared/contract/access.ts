// Who may call each contract method (docs/roles.md). The core refuses any other caller before the
// handler runs (checkAccess in src/main/transports/access.ts), so no screen or door can skip it.
import type { Role } from '../roles';
import type { MethodName } from '../contract';
import type { Access, MethodRule } from './access-kinds';
import { adminMoneyAccess } from './access-admin';
import { payrollAccess } from './access-payroll';
import { peopleAccess } from './access-people';

export type { Access, MethodKind, MethodRule } from './access-kinds';

/** The person a call comes from; null when nobody is signed in. */
export interface Caller {
  /** The account's id in the profile's `accounts` table: a run's maker and approvers are kept by it. */
  readonly accountId: number;
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
}

/** Every contract method's rule: the compiler refuses a method without one. */
export const methodAccess: { readonly [M in MethodName]: MethodRule } = {
  ...peopleAccess,
  ...payrollAccess,
  ...adminMoneyAccess,
};

/** Whether a person holding `roles` (null: nobody signed in) may call a method with this access. */
export function accessAllows(access: Access, roles: readonly Role[] | null): boolean {
  if (access === 'anyone') return true;
  if (roles === null) return false;
  if (access === 'signed-in') return roles.length > 0;
  return access.some((role) => roles.includes(role));
}

/** Whether a call that was cut off in flight can simply be asked again: it changed nothing. */
export function changesNothing(method: MethodName): boolean {
  const { kind } = methodAccess[method];
  return kind === 'reads' || kind === 'prepares';
}
