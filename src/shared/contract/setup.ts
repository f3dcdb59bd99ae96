// Contract methods for the app itself and its setup: which profile runs, creating and choosing
// profiles (credentials go to the keychain and come back only as masked hints), the connection
// test, the certificate, the relay, and the settings an officer may tune.
import { z } from 'zod';
import { cents, empty, isoInstant, positiveCents, uploadedFile } from './common';

export const appModes = ['desktop', 'browser'] as const;
export type AppMode = (typeof appModes)[number];

/** The environments a profile talks to (docs/architecture.md#profiles-and-the-keychain). 'custom' is a self-run Daraja-compatible URL. */
export const profileKinds = ['demo', 'sandbox', 'production', 'custom'] as const;
export type ProfileKind = (typeof profileKinds)[number];

const profileName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,39}$/,
    'A profile name is 1 to 40 lower-case letters, digits, "-" or "_", starting with a letter or digit',
  );
const shortcode = z.string().regex(/^\d{5,7}$/, 'A shortcode is 5 to 7 digits');
const secret = (what: string) => z.string().trim().min(1, `${what} is required`).max(512);
const httpUrl = z.url({ protocol: /^https?$/, message: 'Give a full address starting with https://' });

export const currentProfile = z.object({
  name: z.string(),
  kind: z.enum(profileKinds),
  /** The M-Pesa account (B2C shortcode) payments leave from, for confirmations that say what will move. */
  shortcode: z.string().optional(),
});

/** A stored credential is never returned: only whether it is set and its last four characters. */
export const credentialHints = z.object({
  consumerKey: z.string().nullable(),
  consumerSecret: z.string().nullable(),
  initiatorPassword: z.string().nullable(),
  stkPasskey: z.string().nullable(),
});

export const certificateView = z.object({
  source: z.enum(['bundled-sandbox', 'bundled-production', 'simulator', 'file']),
  fileName: z.string().nullable(),
  subject: z.string(),
  issuer: z.string(),
  fingerprintSha256: z.string(),
  validFrom: isoInstant,
  validTo: isoInstant,
  /** Inside its printed dates today. Daraja is known to accept expired Safaricom certificates: no warning by itself. */
  usableNow: z.boolean(),
  /** The last result that needed the initiator credential and succeeded; null: none yet. */
  lastAcceptedAt: isoInstant.nullable(),
  /** The last result where M-Pesa refused the initiator credential (2001); null: never. */
  lastRefusedAt: isoInstant.nullable(),
  /**
   * What is known, from evidence: valid; not yet valid; expired but M-Pesa accepted it since;
   * expired and not tried yet; refused (the only standing that warns).
   */
  standing: z.enum(['valid', 'not_yet_valid', 'expired_accepted', 'expired_untested', 'refused']),
});
export type CertificateView = z.output<typeof certificateView>;

export const relayView = z.object({
  /** in_process: demo's own loopback relay; not_set_up: callbacks come to a loopback receiver. */
  mode: z.enum(['in_process', 'remote', 'not_set_up']),
  url: z.string().nullable(),
  channel: z.string().nullable(),
  connected: z.boolean(),
  lastEventAt: isoInstant.nullable(),
  message: z.string().nullable(),
});
export type RelayView = z.output<typeof relayView>;

export const profileView = z.object({
  name: z.string(),
  kind: z.enum(profileKinds),
  current: z.boolean(),
  baseUrl: z.string().nullable(),
  shortcode: z.string(),
  initiatorName: z.string(),
  stkShortcode: z.string().nullable(),
  relayUrl: z.string().nullable(),
  credentials: credentialHints,
  /** Production moves real money: the screens ask before anything that pays. */
  movesRealMoney: z.boolean(),
  /** The last change of credentials: proven with M-Pesa, or kept untested; null: none since setup. */
  credentialCheck: z
    .object({ at: isoInstant, outcome: z.enum(['verified', 'untested']), changed: z.array(z.string()) })
    .nullable(),
});
export type ProfileView = z.output<typeof profileView>;

const darajaCredentials = z
  .object({
    consumerKey: secret('The consumer key'),
    consumerSecret: secret('The consumer secret'),
    initiatorPassword: secret('The initiator password'),
    stkPasskey: z.string().trim().min(1).max(512).optional(),
  })
  .strict();

/** Bundled: Safaricom's certificate for the profile's environment; file: one the officer loads. */
const certificateInput = z.union([z.literal('bundled'), z.object({ ...uploadedFile }).strict()]);

const realProfile = {
  name: profileName,
  shortcode,
  initiatorName: z.string().trim().min(1, 'The initiator name is required').max(64),
  stkShortcode: shortcode.optional(),
  credentials: darajaCredentials,
  certificate: certificateInput.default('bundled'),
  /** false: only add it (Settings → Profiles); the open profile stays open. First start opens it. */
  open: z.boolean().default(true),
};

export const appSettings = z.object({
  sendRatePerSecond: z.number(),
  concurrency: z.number().int(),
  amountLimits: z.object({
    minCents: z.number().int(),
    maxCents: z.number().int(),
    runMaxCents: z.number().int().nullable(),
    /** What M-Pesa itself allows per B2C payment; the officer's limits must sit inside it. */
    mpesaMinCents: z.number().int(),
    mpesaMaxCents: z.number().int(),
  }),
});
export type AppSettings = z.output<typeof appSettings>;

export const setupMethods = {
  'app.info': {
    input: empty,
    output: z.object({
      version: z.string(),
      mode: z.enum(appModes),
      /** null on first start: nothing configured yet, the screens show First start. */
      profile: currentProfile.nullable(),
      dataFolder: z.string(),
      /** Demo only: the in-process Daraja simulator (its /simulator/payments lists what it really paid). */
      demoSimulatorUrl: z.string().nullable(),
    }),
  },
  'profiles.list': {
    input: empty,
    output: z.object({ profiles: z.array(profileView), current: z.string().nullable() }),
  },
  'profiles.create': {
    input: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('demo'), name: profileName.default('demo') }).strict(),
      z.object({ kind: z.literal('sandbox'), ...realProfile }).strict(),
      z.object({ kind: z.literal('production'), ...realProfile }).strict(),
    ]),
    output: profileView,
  },
  'profiles.select': {
    input: z.object({ name: profileName }).strict(),
    output: profileView,
  },
  'profiles.updateCredentials': {
    input: z
      .object({
        name: profileName,
        consumerKey: secret('The consumer key').optional(),
        consumerSecret: secret('The consumer secret').optional(),
        initiatorPassword: secret('The initiator password').optional(),
        stkPasskey: secret('The STK passkey').optional(),
      })
      .strict(),
    output: profileView,
  },
  'setup.testConnection': {
    input: z.object({ name: profileName.optional() }).strict(),
    output: z.object({
      /** True only when every step passed: each was verified, not assumed. */
      ok: z.boolean(),
      /** The Daraja host the test spoke to (scheme, host and port). */
      host: z.string(),
      /**
       * In order: a token granted (the consumer key and secret), a balance result with ResultCode 0
       * (the initiator name and password), that result arriving through the profile's own callback
       * route. not_checked: nothing was learnt either way (never reported as passed).
       */
      steps: z.array(
        z.object({
          step: z.enum(['token', 'balance_query', 'callback']),
          status: z.enum(['passed', 'failed', 'not_checked']),
          message: z.string(),
        }),
      ),
      /** Plain words for the first failure; null when everything passed. */
      failure: z.string().nullable(),
    }),
  },
  'certificate.info': {
    input: empty,
    output: certificateView,
  },
  'certificate.load': {
    input: z.object({ ...uploadedFile }).strict(),
    output: certificateView,
  },
  'relay.get': {
    input: empty,
    output: relayView,
  },
  /** The profile's channel public key, to give the relay operator (`channel add --public-key`). */
  'relay.publicKey': {
    input: empty,
    output: z.object({ publicKeyPem: z.string() }),
  },
  /**
   * Connects the open profile to its relay: in one step with the operator's admin token (used
   * once, never kept), or with the registration the operator's `channel add` printed.
   */
  'relay.connect': {
    input: z.discriminatedUnion('how', [
      z
        .object({
          how: z.literal('admin_token'),
          url: httpUrl,
          adminToken: secret('The relay admin token'),
          channelName: z.string().trim().min(1, 'Name the channel (for example the employer)').max(64),
        })
        .strict(),
      z
        .object({
          how: z.literal('registration'),
          url: httpUrl,
          registrationJson: z.string().trim().min(2, 'Paste what the relay printed').max(8192),
        })
        .strict(),
    ]),
    output: relayView,
  },
  'settings.get': {
    input: empty,
    output: appSettings,
  },
  'settings.update': {
    input: z
      .object({
        sendRatePerSecond: z
          .number({ error: 'Write the send rate as a number' })
          .positive('The send rate must be above zero')
          .max(1000, 'Mshahara sends at most 1,000 payments a second')
          .optional(),
        concurrency: z
          .number({ error: 'Write how many as a whole number' })
          .int('Write how many as a whole number')
          .min(1, 'At least one payment must be able to wait for M-Pesa')
          .max(500, 'At most 500 payments can wait for M-Pesa at once')
          .optional(),
        amountLimits: z
          .object({
            minCents: cents.min(0, 'The smallest payment cannot be below zero').optional(),
            maxCents: positiveCents.optional(),
            /** A run above this total needs one more approver (the approval policy's total; an admin's to set); null: none. */
            runMaxCents: positiveCents.nullable().optional(),
          })
          .strict()
          .optional(),
      })
      .strict(),
    output: appSettings,
  },
} as const;
