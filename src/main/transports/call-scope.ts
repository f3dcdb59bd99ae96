// Who a contract call comes from, for the length of that call. callContract runs each handler
// inside the scope of the caller its door has signed in, so a handler (and the domain functions it
// calls) asks `currentCaller()` instead of every handler threading the caller by hand. Outside a
// call (the engine's own work, a profile opening) there is no caller.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Caller } from '../../shared/contract/access';
import type { Door } from './door';

interface CallScope {
  caller: Caller | null;
  /** The door the call came through; null for a call made with a caller alone (tests, the CLI). */
  door: Door | null;
}

const scope = new AsyncLocalStorage<CallScope>();

/** Runs `work` as a call from `caller` (null: nobody signed in) through `door`. */
export function withCaller<T>(caller: Caller | null, work: () => T, door: Door | null = null): T {
  return scope.run({ caller, door }, work);
}

/** The person the current contract call comes from, or null outside a call or before sign-in. */
export function currentCaller(): Caller | null {
  return scope.getStore()?.caller ?? null;
}

/** The door the current call came through, or null. */
export function currentDoor(): Door | null {
  return scope.getStore()?.door ?? null;
}
