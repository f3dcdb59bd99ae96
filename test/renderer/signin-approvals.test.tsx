// @vitest-environment happy-dom
// The sign-in and approval policies in Settings, against the fake core: what is saved is what the
// admin typed (shillings to exact cents), and single person is sent only after the admin ticks
// that the maker will approve their own runs.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { SignInAndApprovals } from '../../src/renderer/screens/settings/SignInAndApprovals';
import { bridge } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

function descriptionOf(input: HTMLElement): string {
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
}

describe('Sign-in and approvals', () => {
  it('shows the policy in force and saves the idle time, the approvers’ app and the total for one more approver', async () => {
    const user = userEvent.setup();
    renderWithProviders(<SignInAndApprovals />);
    const section = await screen.findByTestId('signin-approvals');
    expect(within(section).getByText('Now: the maker and one approver.')).toBeTruthy();
    expect((within(section).getByLabelText('Two people: the maker and one approver') as HTMLInputElement).checked).toBe(
      true,
    );

    const idle = within(section).getByLabelText('Minutes idle before the screen locks');
    await user.clear(idle);
    await user.type(idle, '5');
    await user.click(within(section).getByLabelText('Approvers must use an authenticator app to sign in'));
    await user.type(within(section).getByLabelText(/Run total above which one more approver/), '1,500,000');
    await user.click(within(section).getByRole('button', { name: 'Save policies' }));

    await waitFor(() => expect(bridge.callsOf('users.savePolicy')).toHaveLength(1));
    expect(bridge.callsOf('users.savePolicy')[0]).toEqual({
      signIn: {
        idleLockMinutes: 5,
        slowDownAfter: 3,
        lockOutAfter: 10,
        lockOutMinutes: 15,
        approversNeedSecondFactor: true,
      },
      approval: { people: 2, aboveCents: 1_500_000_00 },
    });
    expect(bridge.data.policies.approval.aboveCents).toBe(1_500_000_00);
  });

  it('asks before single person, and sends it only once the admin has confirmed', async () => {
    const user = userEvent.setup();
    renderWithProviders(<SignInAndApprovals />);
    const section = await screen.findByTestId('signin-approvals');
    expect(screen.queryByTestId('single-person')).toBeNull();

    await user.click(within(section).getByLabelText('Single person: the maker approves their own runs'));
    const warning = screen.getByTestId('single-person');
    expect(warning.textContent).toContain('The maker will approve their own runs');
    await user.click(within(section).getByRole('button', { name: 'Save policies' }));

    const choice = within(section).getByRole('radiogroup');
    await waitFor(() => expect(descriptionOf(choice)).toContain('Tick the box to confirm'));
    expect(bridge.callsOf('users.savePolicy')).toEqual([]);
    expect(bridge.data.policies.approval.people).toBe(2);

    await user.click(within(warning).getByLabelText('I understand, and choose single person'));
    await user.click(within(section).getByRole('button', { name: 'Save policies' }));

    await waitFor(() => expect(bridge.callsOf('users.savePolicy')).toHaveLength(1));
    expect(bridge.callsOf('users.savePolicy')[0]).toMatchObject({
      approval: { people: 1, aboveCents: null },
      singlePersonConfirmed: true,
    });
    await waitFor(() => expect(within(section).getByText(/^Now: single person/)).toBeTruthy());
  });

  it('refuses a total that is not an amount beside its field, and saves nothing', async () => {
    const user = userEvent.setup();
    renderWithProviders(<SignInAndApprovals />);
    const section = await screen.findByTestId('signin-approvals');
    const total = within(section).getByLabelText(/Run total above which one more approver/);
    await user.type(total, '12.345');
    await user.click(within(section).getByRole('button', { name: 'Save policies' }));

    await waitFor(() => expect(descriptionOf(total)).toContain('at most two decimals'));
    expect(bridge.callsOf('users.savePolicy')).toEqual([]);
  });
});
