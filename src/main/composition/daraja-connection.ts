// How a profile reaches Daraja: which base URL, which certificate, which credentials. Demo needs
// none of its own: it starts the simulator in this process, or talks to one already running and
// uses the simulator's public test values (not secrets: every simulator ships them).
import { join } from 'node:path';
import { ValidationError, UnavailableError } from '../../shared/errors';
import type { RunningSimulator, SimulatorCredentials, SimulatorOptions } from '../../simulator';
import { bundledCertificatePath, loadCertificate } from '../daraja/certificate';
import type { DarajaProfileConfig } from '../daraja';
import { readProfileSecrets, type ProfileSettings } from '../profiles';
import type { SecretStore } from '../secrets/secret-store';

export interface DarajaConnection {
  config: DarajaProfileConfig;
  /** The simulator this process started (demo without a base URL), closed with the app. */
  simulator: RunningSimulator | undefined;
}

export interface ConnectionOptions {
  /** Overrides the profile's base URL for this start (demo: a simulator already running). */
  baseUrl?: string;
  /** Options for an in-process demo simulator; openRegistry by default, so any Safaricom number can be paid. */
  simulator?: SimulatorOptions;
  /**
   * The profile's folder (profiles' profileFolder). A demo simulator started here keeps what it paid
   * in `simulator.sqlite` there, so a restart does not forget a payment or a used OriginatorConversationID.
   */
  profileFolder?: string;
  secrets: () => SecretStore;
}

/** The demo simulator's state file, in the profile's folder. */
export const demoSimulatorStateFile = 'simulator.sqlite';

export async function connectToDaraja(profile: ProfileSettings, options: ConnectionOptions): Promise<DarajaConnection> {
  const baseUrl = options.baseUrl ?? profile.baseUrl;
  switch (profile.kind) {
    case 'demo': {
      // Loaded only here: the simulator (an HTTP server and its key pair) is not needed otherwise.
      const { defaultCredentials, startSimulator } = await import('../../simulator');
      if (baseUrl === null) {
        const statePath =
          options.profileFolder === undefined ? undefined : join(options.profileFolder, demoSimulatorStateFile);
        const simulator = await startSimulator({
          openRegistry: true,
          ...(statePath === undefined ? {} : { statePath }),
          ...options.simulator,
        });
        return {
          simulator,
          config: demoConfig(profile, defaultCredentials, simulator.baseUrl, simulator.certificatePem),
        };
      }
      return {
        simulator: undefined,
        config: demoConfig(profile, defaultCredentials, baseUrl, await fetchSimulatorCertificate(baseUrl)),
      };
    }
    case 'sandbox':
    case 'production':
    case 'custom': {
      if (baseUrl === null) throw new ValidationError(`The profile "${profile.name}" has no Daraja base URL.`);
      const secrets = await readProfileSecrets(options.secrets(), profile);
      return {
        simulator: undefined,
        config: {
          name: profile.name,
          baseUrl,
          consumerKey: secrets.consumerKey,
          consumerSecret: secrets.consumerSecret,
          shortcode: profile.shortcode,
          initiatorName: profile.initiatorName,
          initiatorPassword: secrets.initiatorPassword,
          certificatePem: await certificateFor(profile, baseUrl),
          ...(profile.stkShortcode === null ? {} : { stkShortcode: profile.stkShortcode }),
          ...(secrets.passkey === undefined ? {} : { passkey: secrets.passkey }),
        },
      };
    }
    default: {
      const unexpected: never = profile.kind;
      throw new ValidationError(`Unknown profile kind ${String(unexpected)}`);
    }
  }
}

function demoConfig(
  profile: ProfileSettings,
  defaultCredentials: SimulatorCredentials,
  baseUrl: string,
  certificatePem: string,
): DarajaProfileConfig {
  return {
    name: profile.name,
    baseUrl,
    consumerKey: defaultCredentials.consumerKey,
    consumerSecret: defaultCredentials.consumerSecret,
    shortcode: defaultCredentials.shortcode,
    initiatorName: defaultCredentials.initiatorName,
    initiatorPassword: defaultCredentials.initiatorPassword,
    certificatePem,
    stkShortcode: defaultCredentials.stkShortcode,
    passkey: defaultCredentials.passkey,
  };
}

async function certificateFor(profile: ProfileSettings, baseUrl: string): Promise<string> {
  const choice = profile.certificate;
  if (typeof choice === 'object') return loadCertificate(choice.path).pem;
  switch (choice) {
    case 'bundled-sandbox':
      return loadCertificate(bundledCertificatePath('sandbox')).pem;
    case 'bundled-production':
      return loadCertificate(bundledCertificatePath('production')).pem;
    case 'simulator':
      return fetchSimulatorCertificate(baseUrl);
    default: {
      const unexpected: never = choice;
      throw new ValidationError(`Unknown certificate choice ${String(unexpected)}`);
    }
  }
}

/** The simulator makes a fresh key pair per start and serves its certificate. */
export async function fetchSimulatorCertificate(baseUrl: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(new URL('/simulator/certificate', baseUrl), { signal: AbortSignal.timeout(10_000) });
  } catch (cause) {
    throw new UnavailableError(`No simulator answered at ${baseUrl}: is it running?`, { cause });
  }
  if (!response.ok)
    throw new UnavailableError(
      `${baseUrl} did not give a simulator certificate (HTTP ${response.status}); is it the Mshahara simulator?`,
    );
  return response.text();
}
