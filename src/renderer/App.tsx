// The frame around every screen: First start until a profile exists, then the navigation and the
// screen the officer chose (kept in the URL), each screen inside its own error boundary, and a banner
// while the core cannot be reached. Marks the root data-app-state="loaded" once there is something to use.
import { Badge, Center, Group, Loader, NavLink, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState, type ComponentType, type ReactNode } from 'react';
import { ConnectionBanner } from './components/ConnectionBanner';
import { Problem } from './components/Problem';
import { ScreenBoundary } from './components/ScreenBoundary';
import { call } from './api';
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
  failed: screenFrom(
    () => import('./screens/FailedPayments'),
    (module) => module.FailedPayments,
  ),
  reconcile: screenFrom(
    () => import('./screens/Reconcile'),
    (module) => module.Reconcile,
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
};
const Workers = lazyScreens.workers.Screen;
const Runs = lazyScreens.runs.Screen;
const FailedPayments = lazyScreens.failed.Screen;
const Reconcile = lazyScreens.reconcile.Screen;
const Inbox = lazyScreens.inbox.Screen;
const Audit = lazyScreens.audit.Screen;
const Settings = lazyScreens.settings.Screen;

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
    case 'failed':
      return <FailedPayments />;
    case 'reconcile':
      return <Reconcile />;
    case 'inbox':
      return <Inbox />;
    case 'audit':
      return <Audit />;
    case 'settings':
      return <Settings />;
    default: {
      const unknown: never = screen;
      throw new Error(`No screen called ${String(unknown)}`);
    }
  }
}

const profileColours = { demo: 'grape', sandbox: 'blue', production: 'red', custom: 'gray' } as const;

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
          </Group>
        </Group>
      </header>
      <nav className="frame-nav" aria-label="Screens">
        <Stack gap={2} p="xs">
          {screens.map((name) => (
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
        <ScreenBoundary what={screenTitles[screen]} resetKey={screen} onReload={() => void client.invalidateQueries()}>
          <Suspense fallback={<Loader aria-label="Opening the screen" />}>
            <ScreenFor screen={screen} />
          </Suspense>
        </ScreenBoundary>
      </main>
    </div>
  );
}
