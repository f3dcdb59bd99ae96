// Which screen is showing, kept in the URL's hash (#/runs/12, #/ledger/345) so a reload keeps the
// officer where they were and back/forward move between screens (#/failed/12: the failed payments of run 12). Screens are few and flat, so a
// small store does what a router would. The query (the browser host's ?token=) is never touched.
import { create } from 'zustand';

export const screens = [
  'dashboard',
  'float',
  'workers',
  'runs',
  'ledger',
  'collections',
  'refunds',
  'lookup',
  'reversals',
  'failed',
  'reconcile',
  'inbox',
  'audit',
  'settings',
  'account',
] as const;
export type Screen = (typeof screens)[number];

export const screenTitles: Record<Screen, string> = {
  dashboard: 'Dashboard',
  float: 'Float history',
  workers: 'Workers',
  runs: 'Payroll runs',
  ledger: 'Ledger',
  collections: 'Money in',
  refunds: 'Refunds',
  lookup: 'Look up a receipt',
  reversals: 'Reversals',
  failed: 'Failed payments',
  reconcile: 'Reconcile',
  inbox: 'Callback inbox',
  audit: 'Audit log',
  settings: 'Settings',
  account: 'My account',
};

/** Where the officer is: a screen, and on two screens the one thing open in it. */
export interface Route {
  screen: Screen;
  /** The payroll run open on the runs screen, or the one the failed payments are shown for, if any. */
  runId: number | undefined;
  /** The ledger transaction open beside the ledger, if any. */
  ledgerId: number | undefined;
}

const home: Route = { screen: 'dashboard', runId: undefined, ledgerId: undefined };

function isScreen(name: string): name is Screen {
  return (screens as readonly string[]).includes(name);
}

function positiveId(text: string | undefined): number | undefined {
  if (text === undefined || !/^[1-9]\d{0,15}$/.test(text)) return undefined;
  return Number(text);
}

/** "#/runs/12" → the runs screen with run 12 open; anything not understood is the dashboard. */
export function parseRoute(hash: string): Route {
  const [name = '', id] = hash.replace(/^#\/?/, '').split('/');
  if (!isScreen(name)) return home;
  return {
    screen: name,
    runId: name === 'runs' || name === 'failed' ? positiveId(id) : undefined,
    ledgerId: name === 'ledger' ? positiveId(id) : undefined,
  };
}

/** The hash for a route: "#/runs/12", "#/ledger", "#/dashboard". */
export function formatRoute(route: Route): string {
  const id =
    route.screen === 'runs' || route.screen === 'failed'
      ? route.runId
      : route.screen === 'ledger'
        ? route.ledgerId
        : undefined;
  return `#/${route.screen}${id === undefined ? '' : `/${id}`}`;
}

function sameRoute(a: Route, b: Route): boolean {
  return a.screen === b.screen && a.runId === b.runId && a.ledgerId === b.ledgerId;
}

function routeInUrl(): Route {
  return typeof window === 'undefined' ? home : parseRoute(window.location.hash);
}

interface NavigationState extends Route {
  go(screen: Screen): void;
  openRun(runId: number | undefined): void;
  openLedgerRow(ledgerId: number | undefined): void;
  /** The failed payments of one run, or of every run. */
  openFailedPayments(runId: number | undefined): void;
}

export const useNavigation = create<NavigationState>((set, get) => {
  /** Shows `route` and records it as a new history entry, so back returns to where the officer was. */
  function show(route: Route): void {
    const current: Route = { screen: get().screen, runId: get().runId, ledgerId: get().ledgerId };
    if (sameRoute(current, route) && window.location.hash === formatRoute(route)) return;
    set(route);
    const { pathname, search } = window.location;
    window.history.pushState(null, '', `${pathname}${search}${formatRoute(route)}`);
  }
  return {
    ...routeInUrl(),
    // Choosing a screen in the navigation always shows its list, even when a run or row was open.
    go: (screen) => show({ screen, runId: undefined, ledgerId: undefined }),
    openRun: (runId) => show({ screen: 'runs', runId, ledgerId: undefined }),
    openLedgerRow: (ledgerId) => show({ screen: 'ledger', runId: undefined, ledgerId }),
    openFailedPayments: (runId) => show({ screen: 'failed', runId, ledgerId: undefined }),
  };
});

/** Reads the route from the URL now and whenever back/forward or a typed hash changes it; answers a stop. */
export function followUrl(): () => void {
  const read = () => {
    const route = routeInUrl();
    const { screen, runId, ledgerId } = useNavigation.getState();
    if (!sameRoute({ screen, runId, ledgerId }, route)) useNavigation.setState(route);
  };
  read();
  window.addEventListener('hashchange', read);
  window.addEventListener('popstate', read);
  return () => {
    window.removeEventListener('hashchange', read);
    window.removeEventListener('popstate', read);
  };
}
