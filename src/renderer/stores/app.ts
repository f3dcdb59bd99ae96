// What the whole app knows about itself: version, mode and the profile in use (null on first start).
import { create } from 'zustand';
import type { MethodOutput } from '../../shared/contract';
import { call, problemText } from '../api';

export type AppInfo = MethodOutput<'app.info'>;

interface AppState {
  info: AppInfo | undefined;
  problem: string | undefined;
  /** A sandbox or production profile was just made: First start stays up for the connection test. */
  finishingSetup: boolean;
  load(): Promise<void>;
  setFinishingSetup(finishing: boolean): void;
}

export const useApp = create<AppState>((set) => ({
  info: undefined,
  problem: undefined,
  finishingSetup: false,
  setFinishingSetup: (finishingSetup) => set({ finishingSetup }),
  load: async () => {
    try {
      set({ info: await call('app.info', {}), problem: undefined });
    } catch (error) {
      set({ problem: problemText(error) });
    }
  },
}));
