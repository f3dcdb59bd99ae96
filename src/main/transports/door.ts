// One door into Mshahara: the desktop window, or one browser page's socket. Each door has its own
// sign-in: who signed in, to which profile, and when it last called. Who that is, is read again
// from the profile on every call, so a disabled account or a role taken away counts at once, and a
// door left without a call for the profile's idle time locks itself. The screens also lock after
// the idle time without input (a page polling for progress still calls), so the core's lock is the
// floor, not the only lock.
import type { Caller } from '../../shared/contract/access';

/** The person behind an account as the open profile holds it now. */
export interface PersonNow {
  caller: Caller;
  /** Signed in with a password an admin handed over: nothing but choosing their own until then. */
  mustChangePassword: boolean;
  /** An approver on a profile that asks approvers for a second factor, without one yet: nothing but setting it up. */
  mustEnrolSecondFactor: boolean;
  /** Minutes without a call after which the door locks (the profile's sign-in policy). */
  idleLockMinutes: number;
}

/** What a door asks of the open profile (src/main/handlers/session.ts implements it). */
export interface SignInDesk {
  /** The open profile's name, or null at First start. */
  openProfile(): string | null;
  /** The account as it is now, or null when it is gone, disabled, or the profile is not open. */
  person(profile: string, accountId: number): PersonNow | null;
  /** True while this machine has no profile yet: First start may create one before anyone signs in. */
  isFirstStart(): boolean;
}

export type LockReason = 'idle' | 'signed_out' | 'account_changed';

export interface Lock {
  reason: LockReason;
  username: string;
  message: string;
}

interface SignedIn {
  profile: string;
  accountId: number;
  username: string;
  lastCallAt: number;
}

const lockWords: Record<LockReason, (username: string) => string> = {
  idle: (username) => `The screen locked after a while without use; ${username}, sign in again to go on.`,
  signed_out: (username) => `${username} signed out.`,
  account_changed: (username) =>
    `${username}'s account changed (disabled, or signed in to another profile); sign in again.`,
};

export class Door {
  readonly desk: SignInDesk;
  readonly #now: () => number;
  #signedIn: SignedIn | null = null;
  #lock: Lock | null = null;

  constructor(desk: SignInDesk, now: () => number = Date.now) {
    this.desk = desk;
    this.#now = now;
  }

  /** Who is signed in on this door now, after the idle lock and a fresh read of their account. */
  who(): PersonNow | null {
    const signedIn = this.#signedIn;
    if (signedIn === null) return null;
    if (this.desk.openProfile() !== signedIn.profile) {
      this.#end('account_changed');
      return null;
    }
    const person = this.desk.person(signedIn.profile, signedIn.accountId);
    if (person === null) {
      this.#end('account_changed');
      return null;
    }
    if (this.#now() - signedIn.lastCallAt > person.idleLockMinutes * 60_000) {
      this.#end('idle');
      return null;
    }
    return person;
  }

  /** A call came through: the idle time starts again. */
  touch(): void {
    if (this.#signedIn !== null) this.#signedIn.lastCallAt = this.#now();
  }

  signIn(profile: string, accountId: number, username: string): void {
    this.#signedIn = { profile, accountId, username, lastCallAt: this.#now() };
    this.#lock = null;
  }

  /** Ends the sign-in (signing out, locking); returns who was signed in, or null. */
  signOut(reason: LockReason): string | null {
    return this.#end(reason);
  }

  /** Why nobody is signed in, when someone was. */
  get lock(): Lock | null {
    return this.#lock;
  }

  #end(reason: LockReason): string | null {
    const was = this.#signedIn;
    this.#signedIn = null;
    if (was !== null) this.#lock = { reason, username: was.username, message: lockWords[reason](was.username) };
    return was?.username ?? null;
  }
}
