// @vitest-environment happy-dom
// The frame asks the core who is signed in on this window before showing any screen: the sign-in
// (with the demo's sample people), the first admin, a first password to replace, and then only
// the screens the person's roles open, with who they are and the single-person warning in view.
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../../src/renderer/App';
import { aSession, bridge } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

function open() {
  window.history.replaceState(null, '', '/');
  return renderWithProviders(<App />);
}

const nobody = () =>
  aSession({
    signedIn: null,
    demoPeople: {
      people: [
        { username: 'amina', displayName: 'Amina Odhiambo', roles: ['payroll-officer'] },
        { username: 'baraka', displayName: 'Baraka Mwangi', roles: ['approver'] },
      ],
      howToSignIn: 'Sample people sign in with the password you chose for the first admin.',
    },
  });

describe('Signing in', () => {
  it('shows the sign-in with the demo people, says a refusal, and opens the app once signed in', async () => {
    const user = userEvent.setup();
    bridge.session = nobody();
    const attempts: Array<{ username: string; password: string }> = [];
    bridge.answer('session.signIn', ({ username, password }) => {
      attempts.push({ username, password });
      if (password !== 'Mvua ya Novemba')
        return {
          ok: false as const,
          reason: 'wrong_credentials' as const,
          message: 'The username or password is not right.',
        };
      bridge.session = aSession({
        signedIn: { accountId: 2, username, displayName: 'Amina Odhiambo', roles: ['payroll-officer'] },
      });
      return { ok: true as const, session: bridge.session };
    });
    open();

    await screen.findByRole('form', { name: 'Sign in' });
    expect(screen.getByTestId('demo-people').textContent).toContain('amina (Amina Odhiambo): Payroll officer');
    expect(screen.queryByTestId('nav-dashboard')).toBeNull();

    await user.type(screen.getByTestId('signin-username'), 'amina');
    await user.type(screen.getByTestId('signin-password'), 'guess');
    await user.click(screen.getByTestId('signin-submit'));
    expect((await screen.findByTestId('signin-refusal')).textContent).toBe('The username or password is not right.');

    await user.type(screen.getByTestId('signin-password'), 'Mvua ya Novemba');
    await user.click(screen.getByTestId('signin-submit'));
    const who = await screen.findByTestId('signed-in-as');
    expect(who.textContent).toContain('Amina Odhiambo');
    expect(who.textContent).toContain('Payroll officer');
    expect(attempts).toEqual([
      { username: 'amina', password: 'guess' },
      { username: 'amina', password: 'Mvua ya Novemba' },
    ]);
    // The officer's screens, not the accountant's or the admin's.
    expect(screen.getByTestId('nav-workers')).toBeTruthy();
    expect(screen.getByTestId('nav-runs')).toBeTruthy();
    expect(screen.queryByTestId('nav-reconcile')).toBeNull();
    expect(screen.queryByTestId('nav-settings')).toBeNull();
  });

  it('asks for the authenticator code when the account has one', async () => {
    const user = userEvent.setup();
    bridge.session = nobody();
    const codes: Array<string | undefined> = [];
    bridge.answer('session.signIn', ({ code }) => {
      codes.push(code);
      if (code === undefined)
        return {
          ok: false as const,
          reason: 'code_needed' as const,
          message: 'Type the 6-digit code your authenticator app shows for Mshahara.',
        };
      bridge.session = aSession();
      return { ok: true as const, session: bridge.session };
    });
    open();
    await user.type(await screen.findByTestId('signin-username'), 'baraka');
    await user.type(screen.getByTestId('signin-password'), 'Mvua ya Novemba');
    await user.click(screen.getByTestId('signin-submit'));
    await user.type(await screen.findByTestId('signin-code'), '123456');
    await user.click(screen.getByTestId('signin-submit'));
    await screen.findByTestId('signed-in-as');
    expect(codes).toEqual([undefined, '123456']);
  });

  it('says why the screen locked, with the name filled in', async () => {
    bridge.session = aSession({
      signedIn: null,
      locked: {
        reason: 'idle',
        username: 'baraka',
        message: 'The screen locked after a while without use; baraka, sign in again to go on.',
      },
    });
    open();
    expect((await screen.findByTestId('lock-message')).textContent).toContain('baraka, sign in again');
    expect((screen.getByTestId('signin-username') as HTMLInputElement).value).toBe('baraka');
  });

  it('asks for the first admin when the profile has no account', async () => {
    const user = userEvent.setup();
    bridge.session = aSession({ signedIn: null, needsFirstAdmin: true });
    const made: unknown[] = [];
    bridge.answer('session.createFirstAdmin', (input) => {
      made.push(input);
      bridge.session = aSession({
        signedIn: { accountId: 1, username: 'wanjiru', displayName: 'Wanjiru Kamau', roles: ['admin'] },
      });
      return bridge.session;
    });
    open();
    await user.type(await screen.findByTestId('admin-username'), 'wanjiru');
    await user.type(screen.getByTestId('admin-name'), 'Wanjiru Kamau');
    await user.type(screen.getByTestId('admin-password'), 'Mvua ya Novemba');
    await user.type(screen.getByTestId('admin-password-again'), 'Mvua ya Novemba');
    await user.click(screen.getByTestId('admin-create'));
    await screen.findByTestId('signed-in-as');
    expect(made).toEqual([{ username: 'wanjiru', displayName: 'Wanjiru Kamau', password: 'Mvua ya Novemba' }]);
    expect(screen.getByTestId('nav-settings')).toBeTruthy();
    expect(screen.queryByTestId('nav-runs')).toBeNull();
  });

  it('shows on every screen that one person approves alone, when the admin chose it', async () => {
    bridge.session = aSession({
      approvalPolicy: { people: 1, words: 'single person: the maker approves and sends alone', singlePerson: true },
    });
    open();
    expect((await screen.findByTestId('single-person')).textContent).toContain('approves and sends it alone');
  });

  it('locks the screen after the idle time without input', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      bridge.session = aSession({ idleLockMinutes: 5 });
      open();
      await screen.findByTestId('signed-in-as');
      await act(async () => {
        await vi.advanceTimersByTimeAsync(4 * 60_000);
      });
      expect(bridge.callsOf('session.lock')).toEqual([]);
      await act(async () => {
        await vi.advanceTimersByTimeAsync(60_000 + 10);
      });
      await waitFor(() => expect(bridge.callsOf('session.lock')).toHaveLength(1));
      expect(await screen.findByRole('form', { name: 'Sign in' })).toBeTruthy();
    } finally {
      vi.useRealTimers();
    }
  });
});
