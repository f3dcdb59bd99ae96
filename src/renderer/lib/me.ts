// Who is signed in on this page, as the core knows them (account.me): their account and roles, and
// the approval policy every screen shows. Screens ask it to decide what to offer; the core still
// refuses whatever the person's roles do not allow.
import type { MethodOutput } from '../../shared/contract';
import type { Role } from '../../shared/roles';
import { useContractQuery, type Loaded } from './queries';

export type Me = MethodOutput<'account.me'>;

export function useMe(): Loaded<Me> {
  return useContractQuery('account.me', {});
}

export function holdsRole(me: Me | undefined, role: Role): boolean {
  return me?.account.roles.includes(role) ?? false;
}
