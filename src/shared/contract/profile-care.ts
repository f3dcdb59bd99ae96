// Contract methods for looking after a profile once it runs (an admin's, docs/roles.md): rotating
// its M-Pesa credentials (tested before they replace the old ones, or kept and marked untested),
// backing it up to one file sealed with a passphrase and restoring such a file as a new profile,
// and whether M-Pesa and the relay can be reached now.
import { z } from 'zod';
import { isoInstant, producedFile, uploadedFile } from './common';
import { profileView } from './setup';

/** Same rule as a profile's name elsewhere in the contract. */
const profileName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,39}$/,
    'A profile name is 1 to 40 lower-case letters, digits, "-" or "_", starting with a letter or digit',
  );
const newSecret = (what: string) => z.string().trim().min(1, `${what} cannot be empty`).max(512).optional();
const passphrase = z
  .string()
  .min(12, 'Choose a passphrase of at least 12 characters: the backup holds the profile’s keys and passwords')
  .max(1024);

const stepStatus = z.enum(['passed', 'failed', 'not_checked']);

/** What cannot be reached now: M-Pesa (Daraja) or the relay, since when, and where. */
export const unreachable = z.object({
  target: z.enum(['mpesa', 'relay']),
  host: z.string(),
  since: isoInstant,
  reason: z.string(),
});
export const reachabilityView = z.object({ unreachable: z.array(unreachable) });
export type ReachabilityView = z.output<typeof reachabilityView>;

export const profileCareMethods = {
  /**
   * New credentials for the open profile. Each is tested with M-Pesa before it replaces the old
   * one: the consumer key and secret by a token, the initiator name and password by a balance
   * result. A refusal keeps the old ones. When M-Pesa cannot be reached (or for the STK passkey,
   * which only a customer's payment can test) they are kept only if `keepUntested`, marked untested.
   */
  'profiles.rotateCredentials': {
    input: z
      .object({
        consumerKey: newSecret('The consumer key'),
        consumerSecret: newSecret('The consumer secret'),
        initiatorName: z.string().trim().min(1, 'The initiator name cannot be empty').max(64).optional(),
        initiatorPassword: newSecret('The initiator password'),
        stkPasskey: newSecret('The STK passkey'),
        keepUntested: z.boolean().default(false),
      })
      .strict(),
    output: z.object({
      /** True when the new credentials are now the profile's. */
      replaced: z.boolean(),
      /** verified: every new credential was proven with M-Pesa; untested: kept without proof; refused: not kept. */
      outcome: z.enum(['verified', 'untested', 'refused', 'not_kept']),
      /** What each check found, in plain words. */
      checks: z.array(z.object({ what: z.string(), status: stepStatus, message: z.string() })),
      message: z.string(),
      profile: profileView,
    }),
  },
  'profiles.backup': {
    input: z.object({ passphrase }).strict(),
    output: producedFile.extend({
      /** The keychain entries the file holds, by name (never their values). */
      secrets: z.array(z.string()),
    }),
  },
  /** Restores a backup as a new profile; the open profile stays open (switch to the new one when ready). */
  'profiles.restore': {
    input: z
      .object({
        ...uploadedFile,
        passphrase: z.string().min(1, 'Type the passphrase the backup was made with').max(1024),
        /** The new profile's name; default: the name it was backed up under (refused if taken). */
        name: profileName.optional(),
      })
      .strict(),
    output: z.object({ profile: profileView, from: z.string(), secrets: z.array(z.string()) }),
  },
  'connection.status': {
    input: z.object({}).strict(),
    output: reachabilityView,
  },
} as const;
