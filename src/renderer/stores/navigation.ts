// Which screen is showing. Screens are few and flat, so a small store does what a router would.
import { create } from 'zustand';

export const screens = ['dashboard', 'workers', 'runs', 'ledger', 'reconcile', 'inbox', 'settings'] as const;
export type Screen = (typeof screens)[number];

export const screenTitles: Record<Screen, string> = {
  dashboard: 'Dashboard',
  workers: 'Workers',
  runs: 'Payroll runs',
  ledger: 'Ledger',
  reconcile: 'Reconcile',
  inbox: 'Callback inbox',
  settings: 'Settings',
};

interface NavigationState {
  screen: Screen;
  /** The payroll run open on the runs screen, if any. */
  runId: number | undefined;
  go(screen: Screen): void;
  openRun(runId: number | undefined): void;
}

export const useNavigation = create<NavigationState>((set) => ({
  screen: 'dashboard',
  runId: undefined,
  // Choosing "Payroll runs" in the navigation always shows the list, even when a run was open.
  go: (screen) => set(screen === 'runs' ? { screen, runId: undefined } : { screen }),
  openRun: (runId) => set({ screen: 'runs', runId }),
}));
