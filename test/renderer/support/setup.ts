// Runs before every renderer test file (after window-bridge.ts): the layout happy-dom does not
// compute, and for each test an empty fake core, a fresh URL and stores as a newly opened page has them.
import { cleanup, configure } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { useApp } from '../../../src/renderer/stores/app';
import { useLedger } from '../../../src/renderer/stores/ledger';
import { useRunProgress } from '../../../src/renderer/stores/run-progress';
import { bridge } from './fake-bridge';
import { installMatchMedia } from './match-media';
import { useSession } from '../../../src/renderer/stores/session';

// happy-dom lays nothing out: give elements a size so the virtual tables draw their rows.
Object.defineProperties(HTMLElement.prototype, {
  offsetHeight: { configurable: true, get: () => 600 },
  offsetWidth: { configurable: true, get: () => 1000 },
  clientHeight: { configurable: true, get: () => 600 },
  clientWidth: { configurable: true, get: () => 1000 },
});
HTMLElement.prototype.getBoundingClientRect = function () {
  return DOMRect.fromRect({ x: 0, y: 0, width: 1000, height: 600 });
};
installMatchMedia();

// Screens other than the dashboard load lazily; on a busy machine the first import takes a while.
configure({ asyncUtilTimeout: 5000 });

beforeEach(() => {
  bridge.reset();
  window.history.replaceState(null, '', '/');
  useApp.setState({ info: undefined, problem: undefined, finishingSetup: false });
  useSession.setState({ session: undefined });
  useRunProgress.setState({ byRun: {}, ended: {} });
  useLedger.setState({ filter: {}, total: undefined, totals: undefined, pages: new Map(), problem: undefined });
});

afterEach(() => {
  cleanup();
});
