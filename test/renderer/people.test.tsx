// @vitest-environment happy-dom
// Settings for the admin, against the fake core: the people table, adding a person (the first
// password shown once), changing roles, disabling and resetting a password, the core's refusals
// shown where they belong, and the sections hidden from anyone who is not an admin.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { People } from '../../src/renderer/screens/settings/People';
import { Settings } from '../../src/renderer/screens/Settings';
import { anAccount, at, bridge, fakeFirstPassword, refuse } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

function seedTeam() {
  bridge.data.accounts = [
    anAccount({ id: 1, username: 'wanjiru', displayName: 'Wanjiru Kamau', roles: ['admin'], secondFactor: true }),
    anAccount({ id: 2, username: 'amina', displayName: 'Amina Odhiambo', roles: ['payroll-officer'] }),
    anAccount({
      id: 3,
      username: 'baraka',
      displayName: 'Baraka Mwangi',
      roles: ['approver'],
      lockedUntil: '2099-11-20T07:15:00.000Z',
    }),
    anAccount({ id: 4, username: 'chebet', displayName: 'Chebet Kiprop', roles: ['accountant'], disabledAt: at }),
  ];
}

/** What a field's description and error say: the words a screen reader reads with it. */
function descriptionOf(input: HTMLElement): string {
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
}

const row = (username: string) => screen.getByTestId(`person-${username}`);

describe('People in Settings', () => {
  it('lists each person with their roles, authenticator app, lock-out and whether they are disabled', async () => {
    seedTeam();
    renderWithProviders(<People />);
    await screen.findByText('Amina Odhiambo');

    expect(within(row('wanjiru')).getByText('Admin')).toBeTruthy();
    expect(within(row('wanjiru')).getByText('On')).toBeTruthy();
    expect(within(row('amina')).getByText('Payroll officer')).toBeTruthy();
    expect(within(row('amina')).getByText('Off')).toBeTruthy();
    expect(within(row('baraka')).getByText('20 Nov 2099, 10:15')).toBeTruthy();
    expect(within(row('chebet')).getByText('Disabled')).toBeTruthy();
    expect(within(row('chebet')).getByRole('button', { name: 'Enable chebet' })).toBeTruthy();
  });

  it('adds a person with the roles ticked, and shows the first password Mshahara made once', async () => {
    const user = userEvent.setup();
    renderWithProviders(<People />);
    const form = await screen.findByTestId('add-person');
    await user.type(within(form).getByLabelText('Username'), 'otieno');
    await user.type(within(form).getByLabelText('Name'), 'Otieno Were');
    await user.click(within(form).getByLabelText('Approver'));
    await user.click(within(form).getByLabelText('Accountant'));
    await user.click(within(form).getByRole('button', { name: 'Add person' }));

    expect(await screen.findByTestId('first-password-text')).toHaveProperty('textContent', fakeFirstPassword);
    expect(bridge.callsOf('users.add')).toEqual([
      { username: 'otieno', displayName: 'Otieno Were', roles: ['approver', 'accountant'] },
    ]);
    await screen.findByTestId('person-otieno');
    expect(within(row('otieno')).getByText('First password')).toBeTruthy();
    expect((within(form).getByLabelText('Username') as HTMLInputElement).value).toBe('');

    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByText(fakeFirstPassword)).toBeNull();
  });

  it('shows the core’s refusal of a first password beside that field, and adds nobody', async () => {
    const user = userEvent.setup();
    const refusal = 'The password must not contain the username.';
    bridge.answer('users.add', () =>
      refuse({ kind: 'validation', message: refusal, issues: [{ path: ['password'], message: refusal }] }),
    );
    renderWithProviders(<People />);
    const form = await screen.findByTestId('add-person');
    await user.type(within(form).getByLabelText('Username'), 'otieno');
    await user.type(within(form).getByLabelText('Name'), 'Otieno');
    await user.click(within(form).getByLabelText('Auditor'));
    await user.type(within(form).getByLabelText('First password'), 'otieno-was-here');
    await user.click(within(form).getByRole('button', { name: 'Add person' }));

    const field = within(form).getByLabelText('First password');
    await waitFor(() => expect(descriptionOf(field)).toContain(refusal));
    expect(screen.queryByTestId('first-password')).toBeNull();
    expect(screen.queryByTestId('person-otieno')).toBeNull();
  });

  it('changes a person’s roles', async () => {
    const user = userEvent.setup();
    seedTeam();
    renderWithProviders(<People />);
    await user.click(await screen.findByRole('button', { name: 'Change roles of baraka' }));
    const panel = screen.getByTestId('change-roles');
    await user.click(within(panel).getByLabelText('Auditor'));
    await user.click(within(panel).getByRole('button', { name: 'Save roles' }));

    await waitFor(() => expect(within(row('baraka')).getByText('Auditor')).toBeTruthy());
    expect(bridge.callsOf('users.setRoles')).toEqual([{ username: 'baraka', roles: ['approver', 'auditor'] }]);
    expect(screen.queryByTestId('change-roles')).toBeNull();
  });

  it('keeps the roles and says why when the core refuses to leave the profile without an admin', async () => {
    const user = userEvent.setup();
    seedTeam();
    const message =
      'wanjiru is the only enabled admin: make another account an admin first, then take the admin role from this one.';
    bridge.answer('users.setRoles', () => refuse({ kind: 'conflict', message }));
    renderWithProviders(<People />);
    await user.click(await screen.findByRole('button', { name: 'Change roles of wanjiru' }));
    const panel = screen.getByTestId('change-roles');
    await user.click(within(panel).getByLabelText('Admin'));
    await user.click(within(panel).getByLabelText('Auditor'));
    await user.click(within(panel).getByRole('button', { name: 'Save roles' }));

    expect(await within(panel).findByText(message)).toBeTruthy();
    expect(bridge.callsOf('users.setRoles')).toEqual([{ username: 'wanjiru', roles: ['auditor'] }]);
    expect(within(row('wanjiru')).getByText('Admin')).toBeTruthy();
  });

  it('disables and enables an account once the core has done it', async () => {
    const user = userEvent.setup();
    seedTeam();
    renderWithProviders(<People />);
    await user.click(await screen.findByRole('button', { name: 'Disable amina' }));
    await waitFor(() => expect(within(row('amina')).getByText('Disabled')).toBeTruthy());
    await user.click(within(row('amina')).getByRole('button', { name: 'Enable amina' }));
    await waitFor(() => expect(within(row('amina')).getByText('Enabled')).toBeTruthy());
    expect(bridge.callsOf('users.disable')).toEqual([{ username: 'amina' }]);
    expect(bridge.callsOf('users.enable')).toEqual([{ username: 'amina' }]);
  });

  it('resets a password only after asking, and shows the new first password to hand over', async () => {
    const user = userEvent.setup();
    seedTeam();
    renderWithProviders(<People />);
    await user.click(await screen.findByRole('button', { name: 'Reset the password of baraka' }));
    expect(bridge.callsOf('users.resetPassword')).toEqual([]);
    const panel = screen.getByTestId('reset-password');
    await user.click(within(panel).getByRole('button', { name: 'Reset password' }));

    expect(await screen.findByTestId('first-password-text')).toHaveProperty('textContent', fakeFirstPassword);
    expect(screen.getByTestId('first-password').textContent).toContain('First password for baraka');
    expect(bridge.callsOf('users.resetPassword')).toEqual([{ username: 'baraka' }]);
    await waitFor(() => expect(within(row('baraka')).queryByText('20 Nov 2099, 10:15')).toBeNull());
  });
});

describe('Settings for someone who is not an admin', () => {
  it('shows neither the people nor the policies, and never asks for them', async () => {
    seedTeam();
    bridge.data.signedIn = 'amina';
    renderWithProviders(<Settings />);
    await screen.findByTestId('settings');
    await waitFor(() => expect(bridge.callsOf('account.me')).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByTestId('people')).toBeNull();
    expect(screen.queryByTestId('signin-approvals')).toBeNull();
    expect(bridge.callsOf('users.list')).toEqual([]);
    expect(bridge.callsOf('users.policy')).toEqual([]);
  });

  it('shows both to the admin', async () => {
    renderWithProviders(<Settings />);
    expect(await screen.findByTestId('people')).toBeTruthy();
    expect(await screen.findByTestId('signin-approvals')).toBeTruthy();
  });
});
