// The frame around every screen: First start until a profile exists, then the navigation and the
// screen the officer chose (kept in the URL), each screen inside its own error boundary, and a banner
// while the core cannot be reached. Marks the root data-app-state="loaded" once there is something to use.
import { Badge, Center, Group, Loader, NavLink, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { ConnectionBanner } from './components/ConnectionBanner';
import { Problem } from './components/Problem';
import { ScreenBoundary } from './components/ScreenBoundary';
import { listenToCore } from './lib/queries';
import { Dashboard } from './screens/Dashboard';
import { FirstStart } from './screens/FirstStart';
import { useApp } from './stores/app';
import { followUrl, screens, screenTitles, useNavigation, type Screen } from './stores/navigation';

// Screens other than the dashboard are separate chunks, keeping the first paint small; once the
// page is idle they are fetched and evaluated ahead (preloadScreens), so the first click on one does
// not wait for its code.
const screenModules = {
  workers: () => import('./screens/Workers'),
  runs: () => import('./screens/Runs'),
  ledger: () => import('./screens/Ledger'),
  failed: () => import('./screens/FailedPayments'),
  reconcile: () => import('./screens/Reconcile'),
  inbox: () => import('./screens/Inbox'),
  settings: () => import('./screens/Settings'),
};
const Workers = lazy(() => screenModules.workers().then((module) => ({ default: module.Workers })));
const Runs = lazy(() => screenModules.runs().then((module) => ({ default: module.Runs })));
const Ledger = lazy(() => screenModules.ledger().then((module) => ({ default: module.Ledger })));
const FailedPayments = lazy(() => screenModules.failed().then((module) => ({ default: module.FailedPayments })));
const Reconcile = lazy(() => screenModules.reconcile().then((module) => ({ default: module.Reconcile })));
const Inbox = lazy(() => screenModules.inbox().then((module) => ({ default: module.Inbox })));
const Settings = lazy(() => screenModules.settings().then((module) => ({ default: module.Settings })));

/** Fetches every screen's code when the page has nothing else to do; a failure waits for the click. */
function preloadScreens(): () => void {
  const load = () => {
    for (const module of Object.values(screenModules)) module().catch(() => undefined);
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
