// Who is signed in on this window or page, as the core says (session.current): the sign-in, the
// first admin and a first password are shown from it, and the screens read the person's roles.
import { create } from 'zustand';
import type { MethodInput, MethodOutput } from '../../shared/contract';
import { accessAllows, methodAccess } from '../../shared/contract/access';
import type { MethodName } from '../../shared/contract';
import { call } from '../api';

export type SessionState = MethodOutput<'session.current'>;
export type SignInAnswer = MethodOutput<'session.signIn'>;

interface SessionStore {
  session: SessionState | undefined;
  load(): Promise<SessionState>;
  signIn(input: MethodInput<'session.signIn'>): Promise<SignInAnswer>;
  signOut(): Promise<void>;
  lock(): Promise<void>;
  set(session: SessionState): void;
}

export const useSession = create<SessionStore>((set) => ({
  session: undefined,
  load: async () => {
    const session = await call('session.current', {});
    set({ session });
    return session;
  },
  signIn: async (input) => {
    const answer = await call('session.signIn', input);
    if (answer.ok) set({ session: answer.session });
    return answer;
  },
  signOut: async () => set({ session: await call('session.signOut', {}) }),
  lock: async () => set({ session: await call('session.lock', {}) }),
  set: (session) => set({ session }),
}));

/** Whether the person signed in may call `method` (the core decides; this only hides what it would refuse). */
export function mayCall(session: SessionState | undefined, method: MethodName): boolean {
  const roles = session?.signedIn?.roles ?? null;
  return accessAllows(methodAccess[method].access, roles);
}

/** The same, for a component: re-renders when the person signed in changes. */
export function useMayCall(method: MethodName): boolean {
  return mayCall(
    useSession((state) => state.session),
    method,
  );
}
