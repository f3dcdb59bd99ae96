// @vitest-environment happy-dom
// The route as the URL's hash: what each hash opens, and that anything else opens the dashboard.
import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, useNavigation } from '../../src/renderer/stores/navigation';

describe('The route in the hash', () => {
  it('reads the screen, the open run and the open transaction', () => {
    expect(parseRoute('#/runs/12')).toEqual({ screen: 'runs', runId: 12, ledgerId: undefined });
    expect(parseRoute('#/ledger/345')).toEqual({ screen: 'ledger', runId: undefined, ledgerId: 345 });
    expect(parseRoute('#/inbox')).toEqual({ screen: 'inbox', runId: undefined, ledgerId: undefined });
  });

  it('opens the dashboard for an empty or unknown hash, and ignores ids that are not ids', () => {
    const dashboard = { screen: 'dashboard', runId: undefined, ledgerId: undefined };
    expect(parseRoute('')).toEqual(dashboard);
    expect(parseRoute('#/payouts/3')).toEqual(dashboard);
    expect(parseRoute('#/runs/0')).toEqual({ screen: 'runs', runId: undefined, ledgerId: undefined });
    expect(parseRoute('#/runs/12abc')).toEqual({ screen: 'runs', runId: undefined, ledgerId: undefined });
    expect(parseRoute('#/workers/12')).toEqual({ screen: 'workers', runId: undefined, ledgerId: undefined });
  });

  it('writes back what it reads', () => {
    for (const hash of ['#/runs/12', '#/ledger/345', '#/settings', '#/dashboard']) {
      expect(formatRoute(parseRoute(hash))).toBe(hash);
    }
  });

  it('choosing a screen shows its list, adds one history entry, and keeps the query string', () => {
    window.history.replaceState(null, '', '/index.html?token=abc#/runs/12');
    useNavigation.setState(parseRoute(window.location.hash));
    const entries = window.history.length;

    useNavigation.getState().go('runs');
    expect(useNavigation.getState().runId).toBeUndefined();
    expect(window.location.pathname + window.location.search + window.location.hash).toBe(
      '/index.html?token=abc#/runs',
    );
    expect(window.history.length).toBe(entries + 1);

    // Choosing the screen already shown adds nothing to go back through.
    useNavigation.getState().go('runs');
    expect(window.history.length).toBe(entries + 1);
  });
});
