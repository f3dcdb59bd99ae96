// @vitest-environment happy-dom
// A draft as the approver and as its maker see it: every line and what changed since these people
// were last paid, who approved and who is still needed, one tick per possible double payment
// with Approve offered only once every one is ticked; the maker waits for another approver, edits
// and discards; Send appears only once the run is approved.
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import type { DuplicateWarningView, ReviewLine } from '../../src/shared/contract';
import { aReview, aRun, bridge } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

function openRun(runId: number) {
  window.history.replaceState(null, '', `/#/runs/${runId}`);
  return renderWithProviders(<App />);
}

const warning = (n: number): DuplicateWarningView => ({
  key: `${n}:${n + 100}:25471200000${n}:1500000`,
  itemId: n,
  name: `Worker ${n}`,
  phone: `25471200000${n}`,
  amountCents: 15_000_00,
  otherRunId: 3,
  otherRunTitle: 'October salaries',
  message: `Worker ${n} also gets KES 15,000.00 in run #3 "October salaries" (paid); check this is not the same pay twice`,
});

const line = (overrides: Partial<ReviewLine> & Pick<ReviewLine, 'itemId' | 'name' | 'phone'>): ReviewLine => ({
  lineNumber: overrides.itemId,
  workerId: null,
  amountCents: 15_000_00,
  remarks: 'November pay',
  change: 'same',
  phoneChanged: false,
  nameChanged: false,
  amountChanged: false,
  lastPaid: null,
  ...overrides,
});

const lines: ReviewLine[] = [
  line({ itemId: 1, name: 'Kiprop Langat', phone: '254110123456', change: 'new' }),
  line({
    itemId: 2,
    name: 'Akinyi Njeri',
    phone: '254722999888',
    change: 'changed',
    phoneChanged: true,
    lastPaid: {
      runId: 3,
      runTitle: 'October salaries',
      name: 'Akinyi Njeri',
      phone: '254722000111',
      amountCents: 15_000_00,
      matchedBy: 'worker',
    },
  }),
];

describe('the approver’s review of a draft', () => {
  it('shows every line and what changed, the approval state, and takes one tick per warning before Approve', async () => {
    const run = aRun({ id: 5, title: 'November salaries' });
    bridge.data.runs = [run];
    bridge.data.reviews[5] = {
      duplicateWarnings: [warning(1), warning(2), warning(3)],
      lines: { items: lines, total: 2 },
      changeCounts: { newPeople: 1, phoneChanged: 1, nameChanged: 0, amountChanged: 0, unchanged: 0 },
      approval: {
        ...aReview(run).approval,
        approvalsCounted: 1,
        peopleNeeded: 3,
        approvalsNeeded: 2,
        summary: 'Approved by Baraka Mwangi at 20 Nov 2026, 10:00; needs one more approver other than Amina Odhiambo',
      },
    };
    bridge.answer('runs.approve', () => run);
    openRun(5);

    expect((await screen.findByTestId('approval-summary')).textContent).toBe(
      'Approved by Baraka Mwangi at 20 Nov 2026, 10:00; needs one more approver other than Amina Odhiambo',
    );
    const table = await screen.findByTestId('review-lines-table');
    expect(within(table).getByText('Kiprop Langat')).toBeTruthy();
    expect(within(table).getByText('New: never paid before')).toBeTruthy();
    expect(within(table).getByText('New number: was 0722 000 111')).toBeTruthy();
    expect(screen.getByTestId('change-counts').textContent).toContain('1 new person, 1 changed number');

    const ticks = screen.getAllByTestId('acknowledge-warning');
    expect(ticks).toHaveLength(3);
    const approve = screen.getByTestId('approve-run');
    expect(approve.hasAttribute('disabled')).toBe(true);
    await userEvent.click(ticks[0]!);
    await userEvent.click(ticks[2]!);
    expect(screen.getByTestId('warnings-ticked').textContent).toContain('2 of 3 ticked');
    expect(approve.hasAttribute('disabled')).toBe(true);
    await userEvent.click(ticks[1]!);
    await waitFor(() => expect(approve.hasAttribute('disabled')).toBe(false));

    await userEvent.click(approve);
    await waitFor(() => expect(bridge.callsOf('runs.approve')).toHaveLength(1));
    const [input] = bridge.callsOf('runs.approve') as Array<{ runId: number; acknowledgedWarnings: string[] }>;
    expect(input!.runId).toBe(5);
    expect([...input!.acknowledgedWarnings].sort()).toEqual([warning(1).key, warning(2).key, warning(3).key].sort());
  });

  it('shows “single person” when the admin chose it', async () => {
    const run = aRun({ id: 5, title: 'November salaries' });
    bridge.data.runs = [run];
    bridge.data.reviews[5] = {
      approval: {
        ...aReview(run).approval,
        singlePerson: true,
        peopleNeeded: 1,
        policyWords: 'single person: the maker approves and sends alone',
      },
    };
    openRun(5);
    expect((await screen.findByTestId('approval-policy')).textContent).toBe('Single person');
  });
});

describe('the maker’s view of their draft', () => {
  it('waits for an approver other than them instead of Approve, and may discard the draft', async () => {
    const run = aRun({ id: 5, title: 'November salaries' });
    bridge.data.runs = [run];
    bridge.data.reviews[5] = {
      lines: { items: lines, total: 2 },
      viewer: { isMaker: true, mayApprove: false, mayEdit: true, mayAskRetry: true, mayApproveRetry: false },
    };
    bridge.answer('runs.discard', () => {
      const discarded = aRun({ ...run, state: 'cancelled', displayStatus: 'cancelled', cancelledAt: run.createdAt });
      bridge.data.runs = [discarded];
      return discarded;
    });
    openRun(5);

    expect((await screen.findByTestId('waiting-for-approval')).textContent).toBe(
      'Waiting for approval by an approver other than you',
    );
    expect(screen.queryByTestId('approve-run')).toBeNull();
    expect(screen.queryByTestId('send-run')).toBeNull();
    const table = await screen.findByTestId('review-lines-table');
    expect(within(table).getAllByRole('button', { name: 'Edit' })).toHaveLength(2);

    await userEvent.click(within(table).getAllByRole('button', { name: 'Remove' })[0]!);
    await waitFor(() => expect(bridge.callsOf('runs.removeLine')).toEqual([{ itemId: 1 }]));

    await userEvent.click(screen.getByTestId('discard-run'));
    expect(bridge.callsOf('runs.discard')).toHaveLength(0);
    await userEvent.click(screen.getByTestId('confirm-discard'));
    await waitFor(() => expect(bridge.callsOf('runs.discard')).toEqual([{ runId: 5 }]));
    await waitFor(() => expect(screen.getByTestId('run-detail').getAttribute('data-run-state')).toBe('cancelled'));
  });

  it('offers Send only once the run is approved and its approvals still hold', async () => {
    const approved = aRun({ id: 5, title: 'November salaries', state: 'approved', displayStatus: 'approved' });
    bridge.data.runs = [approved];
    bridge.data.reviews[5] = {
      approval: {
        ...aReview(approved).approval,
        canSend: false,
        blocker: 'Payroll run #5 needs 1 more approval by an approver other than the maker before it is sent.',
      },
    };
    const { unmount } = openRun(5);
    expect((await screen.findByTestId('send-blocked')).textContent).toContain('needs 1 more approval');
    expect(screen.queryByTestId('send-run')).toBeNull();
    unmount();

    bridge.data.reviews[5] = {};
    act(() => void openRun(5));
    expect(await screen.findByTestId('send-run')).toBeTruthy();
  });
});
