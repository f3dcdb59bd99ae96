// Profile folders in the data folder: create one (profile.json + its database file), read one,
// list them. Nothing here ever deletes a folder: a profile holds a payroll history.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { join } from 'node:path';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import { dataFolder } from './data-folder';
import {
  defaultConcurrency,
  defaultSendRatePerSecond,
  profileSettings,
  readProfileSettings,
  validateProfileName,
  type CertificateChoice,
  type ProfileKind,
  type ProfileSettings,
} from './profile';

const settingsFile = 'profile.json';
const databaseFile = 'mshahara.sqlite';

/**
 * The demo profile pays through the simulator as its built-in organisation (its public test
 * values, not secrets). Written out here so that reading a profile does not load the simulator;
 * a test keeps them equal to the simulator's defaults.
 */
export const demoOrganisation = { shortcode: '600992', initiatorName: 'testapi', stkShortcode: '174379' } as const;

export const darajaBaseUrls = {
  sandbox: 'https://sandbox.safaricom.co.ke',
  production: 'https://api.safaricom.co.ke',
} as const;

export function profilesFolder(root: string = dataFolder()): string {
  return join(root, 'profiles');
}

export function profileFolder(name: string, root: string = dataFolder()): string {
  return join(profilesFolder(root), validateProfileName(name));
}

export function profileDatabasePath(name: string, root: string = dataFolder()): string {
  return join(profileFolder(name, root), databaseFile);
}

export interface NewProfile {
  name: string;
  kind: ProfileKind;
  baseUrl?: string | null;
  relayUrl?: string | null;
  shortcode?: string;
  initiatorName?: string;
  certificate?: CertificateChoice;
  stkShortcode?: string | null;
  sendRatePerSecond?: number;
  concurrency?: number;
  callbackPort?: number | null;
}

/** Fills in what each kind implies (Safaricom's URL and certificate; the simulator's public test values for demo). */
export function profileDefaults(input: NewProfile): ProfileSettings {
  const common = {
    name: validateProfileName(input.name),
    relayUrl: input.relayUrl ?? null,
    sendRatePerSecond: input.sendRatePerSecond ?? defaultSendRatePerSecond,
    concurrency: input.concurrency ?? defaultConcurrency,
    callbackPort: input.callbackPort ?? null,
    stkShortcode: input.stkShortcode ?? null,
  };
  let settings: unknown;
  switch (input.kind) {
    case 'demo':
      settings = {
        ...common,
        kind: 'demo',
        baseUrl: input.baseUrl ?? null,
        shortcode: input.shortcode ?? demoOrganisation.shortcode,
        initiatorName: input.initiatorName ?? demoOrganisation.initiatorName,
        certificate: 'simulator',
        stkShortcode: input.stkShortcode ?? demoOrganisation.stkShortcode,
      };
      break;
    case 'sandbox':
    case 'production':
      settings = {
        ...common,
        kind: input.kind,
        baseUrl: input.baseUrl ?? darajaBaseUrls[input.kind],
        shortcode: required(input.shortcode, 'shortcode', input.kind),
        initiatorName: required(input.initiatorName, 'initiator name', input.kind),
        certificate: input.certificate ?? (input.kind === 'sandbox' ? 'bundled-sandbox' : 'bundled-production'),
      };
      break;
    case 'custom':
      settings = {
        ...common,
        kind: 'custom',
        baseUrl: required(input.baseUrl ?? undefined, 'base URL', 'custom'),
        shortcode: required(input.shortcode, 'shortcode', 'custom'),
        initiatorName: required(input.initiatorName, 'initiator name', 'custom'),
        certificate: input.certificate ?? 'simulator',
      };
      break;
    default: {
      const unexpected: never = input.kind;
      throw new ValidationError(`Unknown profile kind ${String(unexpected)}`);
    }
  }
  const parsed = profileSettings.safeParse(settings);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ValidationError(
      `The profile settings are not valid: ${first ? `${first.path.join('.')}: ${first.message}` : 'invalid'}.`,
    );
  }
  return parsed.data;
}

function required(value: string | undefined, what: string, kind: ProfileKind): string {
  if (value === undefined || value.trim() === '') throw new ValidationError(`A ${kind} profile needs its ${what}.`);
  return value.trim();
}

/** Creates the profile folder and its profile.json; refuses a name already taken. */
export function createProfile(input: NewProfile, root: string = dataFolder()): ProfileSettings {
  const settings = profileDefaults(input);
  const folder = profileFolder(settings.name, root);
  if (existsSync(join(folder, settingsFile)))
    throw new ConflictError(`A profile named "${settings.name}" already exists in ${profilesFolder(root)}.`);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  writeSettings(folder, settings);
  return settings;
}

/** Replaces profile.json by rename, so a crash leaves the old file or the new one, never half of one. */
export function saveProfile(settings: ProfileSettings, root: string = dataFolder()): void {
  const folder = profileFolder(settings.name, root);
  if (!existsSync(join(folder, settingsFile))) throw new NotFoundError(`There is no profile named "${settings.name}".`);
  writeSettings(folder, profileSettings.parse(settings));
}

function writeSettings(folder: string, settings: ProfileSettings): void {
  writeFileAtomic.sync(join(folder, settingsFile), `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
}

export function loadProfile(name: string, root: string = dataFolder()): ProfileSettings {
  const file = join(profileFolder(name, root), settingsFile);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new NotFoundError(
      `There is no profile named "${name}". Create it with: npm run cli -- init --profile ${name} --kind demo`,
    );
  }
  const settings = readProfileSettings(text, file);
  if (settings.name !== name)
    throw new ValidationError(`${file} names the profile "${settings.name}", but its folder is "${name}".`);
  return settings;
}

export function profileExists(name: string, root: string = dataFolder()): boolean {
  return existsSync(join(profileFolder(name, root), settingsFile));
}

/** Names of the profiles in the data folder, sorted. */
export function listProfiles(root: string = dataFolder()): string[] {
  const folder = profilesFolder(root);
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(folder, entry.name, settingsFile)))
    .map((entry) => entry.name)
    .sort();
}
