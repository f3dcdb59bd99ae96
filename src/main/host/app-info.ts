// The contract handlers Mshahara answers before any profile data exists: what app this is,
// which profile it runs, and whether it is the desktop app or the browser host.
import type { AppMode, Profile } from '../../shared/contract';
import type { ContractHandlers } from './dispatch';

export interface AppIdentity {
  version: string;
  profile: Profile;
  mode: AppMode;
}

export function appInfoHandlers(identity: AppIdentity): Pick<ContractHandlers, 'app.info'> {
  return { 'app.info': () => ({ ...identity }) };
}
