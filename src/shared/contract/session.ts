// Contract methods for signing in on a door (the desktop window, a browser page): who is signed in,
// signing in and out, locking, the first admin of a profile, and a first password changed.
import { z } from 'zod';
import { roles } from '../roles';

const username = z.string().trim().min(1, 'Type your username').max(64);
const password = z.string().min(1, 'Type your password').max(1024);

export const signedInPerson = z.object({
  accountId: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(roles)),
});

export const sessionState = z.object({
  /** The open profile's name, or null at First start. */
  profile: z.string().nullable(),
  /** The person signed in on this door, or null. */
  signedIn: signedInPerson.nullable(),
  /** Signed in with a password an admin handed over: they must choose their own before anything else. */
  mustChangePassword: z.boolean(),
  /** An approver whose profile asks for a second factor and who has none: they set it up before anything else. */
  mustEnrolSecondFactor: z.boolean(),
  /** Why nobody is signed in, when the door was locked rather than never signed in. */
  locked: z
    .object({ reason: z.enum(['idle', 'signed_out', 'account_changed']), username: z.string(), message: z.string() })
    .nullable(),
  /** The open profile has no account yet: its first admin must be created before anyone can sign in. */
  needsFirstAdmin: z.boolean(),
  /** Minutes without input before the screen locks. */
  idleLockMinutes: z.number().int(),
  /** The approval policy in words, shown on every screen when one person suffices. */
  approvalPolicy: z.object({ people: z.number().int().min(1).max(3), words: z.string(), singlePerson: z.boolean() }),
  /** Demo profiles: the sample people and how to sign in as each. */
  demoPeople: z
    .object({
      people: z.array(z.object({ username: z.string(), displayName: z.string(), roles: z.array(z.enum(roles)) })),
      howToSignIn: z.string(),
    })
    .nullable(),
});

export const signInAnswer = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), session: sessionState }),
  z.object({
    ok: z.literal(false),
    reason: z.enum([
      'wrong_credentials',
      'locked_out',
      'slowed_down',
      'disabled',
      'code_needed',
      'wrong_code',
      'enrol_second_factor',
    ]),
    message: z.string(),
    retryInSeconds: z.number().int().optional(),
  }),
]);

export const sessionMethods = {
  'session.current': { input: z.object({}).strict(), output: sessionState },
  'session.signIn': {
    input: z.object({ username, password, code: z.string().trim().max(12).optional() }).strict(),
    output: signInAnswer,
  },
  'session.signOut': { input: z.object({}).strict(), output: sessionState },
  'session.lock': { input: z.object({}).strict(), output: sessionState },
  'session.createFirstAdmin': {
    input: z
      .object({
        username,
        displayName: z.string().trim().min(1, 'Type your name as colleagues know it').max(80),
        password,
      })
      .strict(),
    output: sessionState,
  },
  'session.changePassword': {
    input: z.object({ currentPassword: password, newPassword: password }).strict(),
    output: sessionState,
  },
} as const;
