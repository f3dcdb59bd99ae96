// The frame around every screen: First start until a profile exists, then the navigation and the
// screen the officer chose (kept in the URL), each screen inside its own error boundary, and a banner
// while the core cannot be reached. Marks the root data-app-state="loaded" once there is something to use.
import { Alert, Badge, Center, Group, Loader, NavLink, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useEffect, useState, type ComponentType, type ReactNode } from 'react';
import type { MethodName } from '../shared/contract';
import { ConnectionBanner } from './components/ConnectionBanner';
import { ReachabilityBanner } from './components/ReachabilityBanner';
import { Problem } from './components/Problem';
import { ScreenBoundary } from './components/ScreenBoundary';
import { call, onCallSettled, onConnectionChange, onSignInNeeded } from './api';
import { useIdleLock } from './lib/idle-lock';
import { ChooseOwnPassword, FirstAdmin, SetUpSecondFactor, SignedInAs, SignIn } from './screens/SignIn';
import { mayCall, useSession, type SessionState } from './stores/session';
import { contractKey, listenToCore } from './lib/queries';
import { Dashboard } from './screens/Dashboard';
import { Ledger } from './screens/Ledger';
import { FirstStart } from './screens/FirstStart';
import { useApp } from './stores/app';
import { followUrl, screens, screenTitles, useNavigation, type Screen } from './stores/navigation';

/**
 * Screens other than the dashboard and the ledger (the accountant's first screen, which opens at
 * once on a million rows) are separate chunks, keeping the first paint small; once the
 * page is idle they are fetched ahead (preloadScreens). A screen whose chunk has arrived renders at
 * once, where React.lazy would suspend on its first render even then and React holds a revealed
 * boundary back for up to 300 ms; one opened before its chunk arrived suspends (the loader shows),
 * and keeps that form while it stays open so it is never mounted twice.
 */
function screenFrom<M>(load: () => Promise<M>, pick: (module: M) => ComponentType): LazyScreen {
  let loaded: ComponentType | undefined;
  let pending: Promise<void> | undefined;
  const Lazy = lazy(async () => ({ default: pick(await load()) }));
  return {
    Screen: function Screen() {
      const [Chosen] = useState<ComponentType>(() => loaded ?? Lazy);
      return <Chosen />;
    },
    preload: () => {
      pending ??= load().then(
        (module) => void (loaded = pick(module)),
        () => void (pending = undefined),
      );
    },
  };
}

interface LazyScreen {
  Screen: ComponentType;
  preload(): void;
}

const lazyScreens = {
  workers: screenFrom(
    () => import('./screens/Workers'),
    (module) => module.Workers,
  ),
  runs: screenFrom(
    () => import('./screens/Runs'),
    (module) => module.Runs,
  ),
  refunds: screenFrom(
    () => import('./screens/Refunds'),
    (module) => module.Refunds,
  ),
  reversals: screenFrom(
    () => import('./screens/Reversals'),
    (module) => module.Reversals,
  ),
  failed: screenFrom(
    () => import('./screens/FailedPayments'),
    (module) => module.FailedPayments,
  ),
  reconcile: screenFrom(
    () => import('./screens/Reconcile'),
    (module) => module.Reconcile,
  ),
  collections: screenFrom(
    () => import('./screens/Collections'),
    (module) => module.Collections,
  ),
  inbox: screenFrom(
    () => import('./screens/Inbox'),
    (module) => module.Inbox,
  ),
  audit: screenFrom(
    () => import('./screens/Audit'),
    (module) => module.Audit,
  ),
  settings: screenFrom(
    () => import('./screens/Settings'),
    (module) => module.Settings,
  ),
  float: screenFrom(
    () => import('./screens/FloatHistory'),
    (module) => module.FloatHistory,
  ),
  lookup: screenFrom(
    () => import('./screens/Lookup'),
    (module) => module.Lookup,
  ),
  account: screenFrom(
    () => import('./screens/MyAccount'),
    (module) => module.MyAccount,
  ),
};
const Workers = lazyScreens.workers.Screen;
const Runs = lazyScreens.runs.Screen;
const FailedPayments = lazyScreens.failed.Screen;
const Refunds = lazyScreens.refunds.Screen;
const Reversals = lazyScreens.reversals.Screen;
const Reconcile = lazyScreens.reconcile.Screen;
const Inbox = lazyScreens.inbox.Screen;
const Collections = lazyScreens.collections.Screen;
const Audit = lazyScreens.audit.Screen;
const Settings = lazyScreens.settings.Screen;
const MyAccount = lazyScreens.account.Screen;
const FloatHistory = lazyScreens.float.Screen;
const Lookup = lazyScreens.lookup.Screen;

/** Fetches every screen's code when the page has nothing else to do; a failure waits for the click. */
function preloadScreens(): () => void {
  const load = () => {
    for (const screen of Object.values(lazyScreens)) screen.preload();
  };
  if (typeof window.requestIdleCallback === 'function') {
    const handle = window.requestIdleCallback(load, { timeout: 3_000 });
    return () => window.cancelIdleCallback(handle);
  }
  const handle = window.setTimeout(load, 1_000);
  return () => window.clearTimeout(handle);
}

function ScreenFor({ screen }: { screen: Screen }): ReactNode {
  switch (screen) {
    case 'dashboard':
      return <Dashboard />;
    case 'workers':
      return <Workers />;
    case 'runs':
      return <Runs />;
    case 'ledger':
      return <Ledger />;
    case 'refunds':
      return <Refunds />;
    case 'reversals':
      return <Reversals />;
    case 'failed':
      return <FailedPayments />;
    case 'reconcile':
      return <Reconcile />;
    case 'inbox':
      return <Inbox />;
    case 'collections':
      return <Collections />;
    case 'audit':
      return <Audit />;
    case 'settings':
      return <Settings />;
    case 'account':
      return <MyAccount />;
    case 'float':
      return <FloatHistory />;
    case 'lookup':
      return <Lookup />;
    default: {
      const unknown: never = screen;
      throw new Error(`No screen called ${String(unknown)}`);
    }
  }
}

const profileColours = { demo: 'grape', sandbox: 'blue', production: 'red', custom: 'gray' } as const;

/** The method each screen opens with: a screen is in the navigation for whoever may call it. */
const screenMethod: Record<Screen, MethodName> = {
  dashboard: 'dashboard.summary',
  workers: 'workers.list',
  runs: 'runs.list',
  ledger: 'ledger.list',
  refunds: 'refunds.list',
  reversals: 'reversals.list',
  failed: 'reports.failedPayments',
  reconcile: 'reconcile.show',
  inbox: 'inbox.list',
  collections: 'collections.list',
  audit: 'audit.list',
  settings: 'settings.get',
  account: 'account.me',
  float: 'float.history',
  lookup: 'lookup.receipt',
};

/**
 * Keeps the person signed in on this window or page in step with the core: asked when the profile
 * is open, again whenever the core refuses a call for want of a sign-in, the profile changes or the
 * connection comes back (a new connection is a new door, with nobody signed in on it).
 */
function useSignedIn(hasProfile: boolean): SessionState | undefined {
  const session = useSession((state) => state.session);
  const load = useSession((state) => state.load);
  const client = useQueryClient();
  const refresh = useCallback(() => void load().catch(() => undefined), [load]);
  useEffect(() => {
    if (!hasProfile) return undefined;
    refresh();
    const stopSignIn = onSignInNeeded(refresh);
    // Turning the authenticator app on ends the setup an approver may have been held to.
    const stopSettled = onCallSettled((method) => (method === 'account.confirmSecondFactor' ? refresh() : undefined));
    const stopConnection = onConnectionChange((state) => (state === 'connected' ? refresh() : undefined));
    return () => {
      stopSignIn();
      stopSettled();
      stopConnection();
    };
  }, [hasProfile, refresh]);
  // Another person's answers must not show from the cache.
  const who = session?.signedIn?.accountId ?? null;
  useEffect(() => {
    if (who === null) client.clear();
    else void client.invalidateQueries();
  }, [who, client]);
  return session;
}

export function App() {
  const { info, problem, load, finishingSetup } = useApp();
  const screen = useNavigation((state) => state.screen);
  const go = useNavigation((state) => state.go);
  const client = useQueryClient();

  useEffect(() => {
    void load();
    // The dashboard's figures are asked for beside app.info, not after it: one round trip less
    // before the first paint. Without a profile the answer is a refusal the dashboard asks past.
    if (useNavigation.getState().screen === 'dashboard')
      void client.prefetchQuery({
        queryKey: contractKey('dashboard.summary', {}),
        queryFn: () => call('dashboard.summary', {}),
      });
    const stopListening = listenToCore(client);
    const stopFollowing = followUrl();
    return () => {
      stopListening();
      stopFollowing();
    };
  }, [load, client]);

  useEffect(() => {
    // The signal browser tests wait for, instead of sleeping.
    if (info || problem) document.getElementById('root')?.setAttribute('data-app-state', 'loaded');
  }, [info, problem]);

  const hasProfile = info?.profile !== undefined && info.profile !== null;
  useEffect(() => (hasProfile ? preloadScreens() : undefined), [hasProfile]);
  const session = useSignedIn(hasProfile && !finishingSetup);
  const lock = useSession((state) => state.lock);
  const lockNow = useCallback(() => void lock().catch(() => undefined), [lock]);
  useIdleLock(session?.signedIn != null, session?.idleLockMinutes ?? 0, lockNow);

  if (!info) {
    return (
      <Center h="100%">
        <Stack align="center">
          <ConnectionBanner />
          {problem ? (
            <Problem error={new Error(problem)} title="Mshahara did not answer" />
          ) : (
            <Loader aria-label="Connecting to Mshahara" />
          )}
        </Stack>
      </Center>
    );
  }
  if (!info.profile || finishingSetup) return <FirstStart />;
  if (session === undefined)
    return (
      <Center h="100%">
        <Loader aria-label="Checking who is signed in" />
      </Center>
    );
  if (session.needsFirstAdmin) return <FirstAdmin session={session} />;
  if (session.signedIn === null) return <SignIn session={session} />;
  if (session.mustChangePassword) return <ChooseOwnPassword session={session} />;
  if (session.mustEnrolSecondFactor) return <SetUpSecondFactor session={session} />;
  const shown = screens.filter((name) => mayCall(session, screenMethod[name]));

  return (
    // A plain grid, not Mantine's AppShell: AppShell sizes itself with injected <style> tags,
    // which the Content Security Policy refuses.
    <div className="frame">
      <header className="frame-header">
        <Group h="100%" px="md" justify="space-between">
          <Title order={1} size="h3" c="teal.8">
            Mshahara
          </Title>
          <Group gap="xs">
            <Text size="sm" c="dimmed">
              Profile
            </Text>
            <Badge color={profileColours[info.profile.kind]} variant="light" data-testid="current-profile">
              {info.profile.name} · {info.profile.kind}
            </Badge>
            <SignedInAs session={session} />
          </Group>
        </Group>
      </header>
      <nav className="frame-nav" aria-label="Screens">
        <Stack gap={2} p="xs">
          {shown.map((name) => (
            <NavLink
              key={name}
              component="button"
              className="nav-link"
              label={screenTitles[name]}
              active={screen === name}
              aria-current={screen === name ? 'page' : undefined}
              onClick={() => go(name)}
              data-testid={`nav-${name}`}
            />
          ))}
        </Stack>
      </nav>
      <main className="frame-main">
        <ConnectionBanner />
        <ReachabilityBanner />
        {session.approvalPolicy.singlePerson && (
          <Alert color="orange" variant="light" mb="sm" data-testid="single-person">
            Single person: on this profile the maker of a payroll run approves and sends it alone. An admin chose this;
            nobody else checks the runs.
          </Alert>
        )}
        <ScreenBoundary what={screenTitles[screen]} resetKey={screen} onReload={() => void client.invalidateQueries()}>
          <Suspense fallback={<Loader aria-label="Opening the screen" />}>
            {shown.includes(screen) ? (
              <ScreenFor screen={screen} />
            ) : (
              <Alert color="gray" variant="light" data-testid="screen-not-yours">
                {screenTitles[screen]} is not among the screens {session.signedIn.displayName}&apos;s roles open. Choose
                one on the left.
              </Alert>
            )}
          </Suspense>
        </ScreenBoundary>
      </main>
    </div>
  );
}
