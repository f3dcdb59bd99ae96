// Opens a profile the way the desktop app and the browser host run it: demo with the simulator and
// the companion relay in this process; sandbox and production through their relay when one is set
// up (the loopback receiver until then). Built on openProfileApp, the one composition root.
import type { SimulatorOptions } from '../../simulator';
import { openProfileApp, type ProfileAppOptions } from './open-profile-app';
import { loadProfile, profileFolder } from '../profiles';
import { startDemoRelay, type DemoRelay } from '../callback-sources/relay-client/demo';
import type { SecretStore } from '../secrets/secret-store';
import type { ProfileCore } from '../handlers/context';
import { existingPhones } from '../payroll/workers';
import { registerC2bUrls } from '../collections/c2b-urls';
import { logger } from '../log';

const log = logger('app');

export interface CoreOptions {
  dataRoot: string;
  secrets: SecretStore;
  /** For the in-process demo simulator (tests turn faults on here). */
  simulator?: SimulatorOptions;
  /** Engine tuning for tests (result timeout, status query rate). */
  engine?: Pick<ProfileAppOptions, 'resultTimeoutMs' | 'statusQueryRate' | 'maxStatusQueries' | 'rate' | 'concurrency'>;
  /** The money-in schedule for tests (quick STK queries and checks). */
  moneyIn?: ProfileAppOptions['moneyIn'];
}

export async function openCore(name: string, options: CoreOptions): Promise<ProfileCore> {
  const profile = loadProfile(name, options.dataRoot);
  const common: ProfileAppOptions = {
    dataFolder: options.dataRoot,
    secrets: () => options.secrets,
    ...options.engine,
    ...(options.moneyIn === undefined ? {} : { moneyIn: options.moneyIn }),
  };
  if (profile.kind === 'demo') {
    // The demo relay starts once this process holds the profile (openProfileApp takes the lock
    // before it asks for the route): it empties its folder, which a second program must not do
    // to the one already running.
    let relay: DemoRelay | undefined;
    try {
      const app = await openProfileApp(name, {
        ...common,
        simulator: { openRegistry: true, ...options.simulator },
        source: async (db) => {
          relay = await startDemoRelay(profileFolder(name, options.dataRoot), { profile: name });
          return relay.client(db, { waitSeconds: 5 });
        },
      });
      const demoRelay = relay as DemoRelay;
      const close = async (): Promise<void> => {
        await app.close();
        await demoRelay.stop();
      };
      const simulator = app.simulator;
      // With an open registry (the demo's default) any Safaricom number is a customer with an
      // invented name; telling the simulator the officer's names keeps the name check meaningful.
      // A test that closes the registry wants unknown numbers to fail, so nothing is added then.
      const registerDemoCustomers =
        simulator === undefined || options.simulator?.openRegistry === false
          ? undefined
          : (people: Array<{ phone: string; name: string }>) =>
              void simulator.addCustomers(people.map((p) => ({ msisdn: p.phone, name: p.name })));
      registerDemoCustomers?.([...existingPhones(app.db)].map(([phone, name]) => ({ phone, name })));
      // Demo customers' Pay Bill payments reach the demo as they would a real profile: through its relay.
      await registerC2bUrls(app, app.profile.shortcode, 'system').catch((error: unknown) =>
        log.warn({ err: error }, 'could not register the demo C2B URLs'),
      );
      return { ...app, demoRelay: { url: demoRelay.url, channel: demoRelay.channel }, registerDemoCustomers, close };
    } catch (error) {
      await relay?.stop();
      throw error;
    }
  }
  // The profile's relay when one is set up, else the loopback receiver (openProfileApp's default).
  return openProfileApp(name, common);
}
