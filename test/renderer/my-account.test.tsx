// @vitest-environment happy-dom
// My account, against the fake core: who is signed in and the approval policy, changing one's own
// password (the two new ones must agree, the core's refusal shows beside its field), and setting
// up and removing the authenticator app, with its key shown only while it is being set up.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { MyAccount } from '../../src/renderer/screens/MyAccount';
import { anAccount, bridge, fakeTotp, refuse, somePolicies } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

function descriptionOf(input: HTMLElement): string {
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
}

function signInAsApprover() {
  bridge.data.accounts = [
    ...bridge.data.accounts,
    anAccount({ id: 3, username: 'baraka', displayName: 'Baraka Mwangi', roles: ['approver', 'auditor'] }),
  ];
  bridge.data.signedIn = 'baraka';
}

describe('My account', () => {
  it('says who is signed in, with which roles, and how runs are approved here', async () => {
    signInAsApprover();
    bridge.data.policies = somePolicies({ people: 1, aboveCents: null });
    renderWithProviders(<MyAccount />);
    const page = await screen.findByTestId('my-account');
    expect(page.textContent).toContain('Signed in as Baraka Mwangi (baraka)');
    expect(within(page).getByText('Approver')).toBeTruthy();
    expect(within(page).getByText('Auditor')).toBeTruthy();
    expect(screen.getByTestId('approval-policy-words').textContent).toBe(
      'Payroll runs here: single person: the maker approves and sends alone.',
    );
  });

  it('changes the password only when the new one is typed the same twice', async () => {
    const user = userEvent.setup();
    signInAsApprover();
    renderWithProviders(<MyAccount />);
    const form = await screen.findByTestId('change-password');
    await user.type(within(form).getByLabelText('Current password'), 'first day at work');
    await user.type(within(form).getByLabelText('New password'), 'long rains in april');
    await user.type(within(form).getByLabelText('New password again'), 'long rains in may');
    await user.click(within(form).getByRole('button', { name: 'Change password' }));

    const again = within(form).getByLabelText('New password again');
    await waitFor(() => expect(descriptionOf(again)).toContain('Type the same new password twice.'));
    expect(bridge.callsOf('account.changePassword')).toEqual([]);

    await user.clear(again);
    await user.type(again, 'long rains in april');
    await user.click(within(form).getByRole('button', { name: 'Change password' }));

    await waitFor(() =>
      expect(bridge.callsOf('account.changePassword')).toEqual([
        { currentPassword: 'first day at work', newPassword: 'long rains in april' },
      ]),
    );
    await waitFor(() => expect((within(form).getByLabelText('Current password') as HTMLInputElement).value).toBe(''));
    expect((within(form).getByLabelText('New password') as HTMLInputElement).value).toBe('');
  });

  it('shows the core’s refusal of the current password beside it, and keeps what was typed', async () => {
    const user = userEvent.setup();
    const message = 'The current password is not right; type it again, or ask an admin to reset it.';
    bridge.answer('account.changePassword', () =>
      refuse({ kind: 'validation', message, issues: [{ path: ['currentPassword'], message }] }),
    );
    renderWithProviders(<MyAccount />);
    const form = await screen.findByTestId('change-password');
    await user.type(within(form).getByLabelText('Current password'), 'not my password');
    await user.type(within(form).getByLabelText('New password'), 'long rains in april');
    await user.type(within(form).getByLabelText('New password again'), 'long rains in april');
    await user.click(within(form).getByRole('button', { name: 'Change password' }));

    const current = within(form).getByLabelText('Current password');
    await waitFor(() => expect(descriptionOf(current)).toContain(message));
    expect((within(form).getByLabelText('New password') as HTMLInputElement).value).toBe('long rains in april');
  });

  it('sets the authenticator app up: the key while setting up, on after a right code, then removed on request', async () => {
    const user = userEvent.setup();
    renderWithProviders(<MyAccount />);
    const card = await screen.findByTestId('authenticator-app');
    await user.click(within(card).getByRole('button', { name: 'Set up the app' }));

    expect((await screen.findByTestId('enrolment-key')).textContent).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    expect(screen.getByTestId('enrolment-uri').textContent).toContain(`secret=${fakeTotp.secretKey}`);

    const code = within(card).getByLabelText('The 6 digits your app shows now');
    await user.type(code, '000000');
    await user.click(within(card).getByRole('button', { name: 'Turn it on' }));
    await waitFor(() => expect(descriptionOf(code)).toContain('That code does not match.'));
    expect(screen.getByTestId('enrolment-key')).toBeTruthy();

    await user.clear(code);
    await user.type(code, fakeTotp.code);
    await user.click(within(card).getByRole('button', { name: 'Turn it on' }));

    await within(card).findByText('On: each sign-in asks for the 6-digit code your app shows.');
    expect(screen.queryByTestId('enrolment-key')).toBeNull();
    expect(document.body.textContent).not.toContain(fakeTotp.secretKey);
    expect(bridge.callsOf('account.confirmSecondFactor')).toEqual([{ code: '000000' }, { code: fakeTotp.code }]);

    await user.click(within(card).getByRole('button', { name: 'Remove the app' }));
    expect(bridge.callsOf('account.removeSecondFactor')).toEqual([]);
    await user.click(within(card).getByRole('button', { name: 'Remove it' }));
    await within(card).findByRole('button', { name: 'Set up the app' });
    expect(bridge.callsOf('account.removeSecondFactor')).toEqual([{}]);
    expect(bridge.data.accounts[0]?.secondFactor).toBe(false);
  });
});
