// Live progress of payroll runs, fed by the core's run.progress and run.ended events.
import { create } from 'zustand';
import type { EventPayload, RunProgress } from '../../shared/contract';
import { api } from '../api';

interface RunProgressState {
  byRun: Record<number, RunProgress>;
  ended: Record<number, EventPayload<'run.ended'>>;
  remember(progress: RunProgress): void;
}

export const useRunProgress = create<RunProgressState>((set) => ({
  byRun: {},
  ended: {},
  remember: (progress) =>
    set((state) => {
      const known = state.byRun[progress.runId];
      // Events and polled answers can cross: keep the newer one.
      if (known && known.at > progress.at) return state;
      return { byRun: { ...state.byRun, [progress.runId]: progress } };
    }),
}));

/** Starts listening once for the whole page. */
export function listenToRunProgress(): () => void {
  const stopProgress = api.subscribe('run.progress', (progress) => useRunProgress.getState().remember(progress));
  const stopEnded = api.subscribe('run.ended', (ended) =>
    useRunProgress.setState((state) => ({ ended: { ...state.ended, [ended.runId]: ended } })),
  );
  return () => {
    stopProgress();
    stopEnded();
  };
}
