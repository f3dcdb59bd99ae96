// Opens a profile the way the desktop app and the browser host run it: demo with the simulator and
// the companion relay in this process; sandbox and production through their relay when one is set
// up (the loopback receiver until then). Built on openProfileApp, the one composition root.
import type { SimulatorOptions } from '../../simulator';
import { openProfileApp, type ProfileAppOptions } from '../app/open-profile-app';
import { loadProfile, profileFolder } from '../profiles';
import { startDemoRelay } from '../relay/demo';
import type { SecretStore } from '../secrets/secret-store';
import type { ProfileCore } from './context';

export interface CoreOptions {
  dataRoot: string;
  secrets: SecretStore;
  /** For the in-process demo simulator (tests turn faults on here). */
  simulator?: SimulatorOptions;
  /** Engine tuning for tests (result timeout, status query rate). */
  engine?: Pick<ProfileAppOptions, 'resultTimeoutMs' | 'statusQueryRate' | 'maxStatusQueries' | 'rate' | 'concurrency'>;
}

export async function openCore(name: string, options: CoreOptions): Promise<ProfileCore> {
  const profile = loadProfile(name, options.dataRoot);
  const common: ProfileAppOptions = { dataFolder: options.dataRoot, secrets: () => options.secrets, ...options.engine };
  if (profile.kind === 'demo') {
    const relay = await startDemoRelay(profileFolder(name, options.dataRoot), { profile: name });
    try {
      const app = await openProfileApp(name, {
        ...common,
        simulator: { openRegistry: true, ...options.simulator },
        source: (db) => relay.client(db, { waitSeconds: 5 }),
      });
      const close = async (): Promise<void> => {
        await app.close();
        await relay.stop();
      };
      const simulator = app.simulator;
      // With an open registry (the demo's default) any Safaricom number is a customer with an
      // invented name; telling the simulator the officer's names keeps the name check meaningful.
      // A test that closes the registry wants unknown numbers to fail, so nothing is added then.
      const registerDemoCustomers =
        simulator === undefined || options.simulator?.openRegistry === false
          ? undefined
          : (people: Array<{ phone: string; name: string }>) => void simulator.addCustomers(people.map((p) => ({ msisdn: p.phone, name: p.name })));
      const workers = app.db.prepare('SELECT phone, name FROM workers WHERE archived_at IS NULL').all() as Array<{ phone: string; name: string }>;
      registerDemoCustomers?.(workers);
      return { ...app, demoRelay: { url: relay.url, channel: relay.channel }, registerDemoCustomers, close };
    } catch (error) {
      await relay.stop();
      throw error;
    }
  }
  // The profile's relay when one is set up, else the loopback receiver (openProfileApp's default).
  return openProfileApp(name, common);
}
