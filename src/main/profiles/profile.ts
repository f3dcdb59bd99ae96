// A profile: one Daraja environment with its own database, settings and keychain entries (docs/architecture.md#profiles-and-the-keychain).
// profile.json holds only what is not secret; the credentials live in the OS keychain.
import { z } from 'zod';
import { ValidationError } from '../../shared/errors';

export const profileKinds = ['demo', 'sandbox', 'production', 'custom'] as const;
export type ProfileKind = (typeof profileKinds)[number];

/** Which Safaricom certificate encrypts the initiator password: a bundled one, a file, or the simulator's own. */
export const certificateChoice = z.union([
  z.literal('bundled-sandbox'),
  z.literal('bundled-production'),
  z.literal('simulator'),
  z.object({ path: z.string().min(1) }),
]);
export type CertificateChoice = z.infer<typeof certificateChoice>;

const url = z.url({ protocol: /^https?$/ });

export const profileSettings = z.object({
  name: z.string(),
  kind: z.enum(profileKinds),
  /** Daraja's base URL; null for demo means "start the simulator in this process". */
  baseUrl: url.nullable(),
  /** The companion relay that receives Daraja's callbacks; null until one is set up. */
  relayUrl: url.nullable(),
  shortcode: z.string().regex(/^\d{5,7}$/),
  initiatorName: z.string().trim().min(1).max(64),
  certificate: certificateChoice,
  stkShortcode: z
    .string()
    .regex(/^\d{5,7}$/)
    .nullable(),
  /** Payments sent per second, and how many may await Daraja's answer at once. */
  sendRatePerSecond: z.number().positive().max(1000),
  concurrency: z.number().int().positive().max(500),
  /**
   * Port of the loopback callback receiver used until a relay is set up; null: any free port,
   * chosen at each start. Callbacks addressed to an earlier start are then lost, and the engine
   * recovers those payments by Transaction Status, as it must after any crash.
   */
  callbackPort: z.number().int().min(0).max(65535).nullable(),
});
export type ProfileSettings = z.infer<typeof profileSettings>;

/** The send rate Mshahara starts with: under Daraja's usual Spike Arrest ceiling. */
export const defaultSendRatePerSecond = 20;
export const defaultConcurrency = 20;

// Windows refuses these as file names whatever the extension, so a profile called "con" could
// never be opened there; refuse it everywhere so profiles move between computers.
const reservedNames = new Set([
  'con',
  'prn',
  'aux',
  'nul',
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`com${n}`, `lpt${n}`]),
]);

/**
 * A profile name is also its folder name: lower-case letters, digits, dashes and underscores,
 * starting with a letter or digit, at most 40 characters. Lower-case only, because macOS and
 * Windows treat "Acme" and "acme" as one folder.
 */
export function validateProfileName(name: string): string {
  if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(name)) {
    throw new ValidationError(
      `"${name}" cannot be a profile name: use 1 to 40 lower-case letters, digits, "-" or "_", starting with a letter or digit.`,
    );
  }
  if (reservedNames.has(name))
    throw new ValidationError(`"${name}" is a reserved file name on Windows; choose another profile name.`);
  return name;
}

/** Reads and checks a profile.json document; a hand-edited file with a mistake is a clear error. */
export function readProfileSettings(text: string, where: string): ProfileSettings {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ValidationError(`${where} is not valid JSON.`);
  }
  const parsed = profileSettings.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ValidationError(
      `${where} is not a valid profile: ${first ? `${first.path.join('.') || '(document)'}: ${first.message}` : 'invalid'}.`,
    );
  }
  validateProfileName(parsed.data.name);
  return parsed.data;
}
