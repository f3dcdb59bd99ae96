// @vitest-environment happy-dom
// The Audit log screen: reached from the navigation, it lists who did what and when, opens one
// entry's before → after, narrows by each filter, exports what it shows, checks the chain on demand
// and names the first broken entry by id and time; a person the core refuses sees its words.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import type { AuditEntry, MethodInput, MethodOutput } from '../../src/shared/contract';
import { bridge } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

function openAt(url: string) {
  window.history.replaceState(null, '', url);
  return renderWithProviders(<App />);
}

function anEntry(overrides: Partial<AuditEntry> & Pick<AuditEntry, 'id' | 'words'>): AuditEntry {
  return {
    at: '2026-11-20T07:00:00.000Z',
    actor: 'amina',
    actorName: 'Amina Odhiambo',
    action: 'worker.edited',
    entity: 'worker',
    entityId: '4',
    changes: [],
    details: '{}',
    ...overrides,
  };
}

const entries = [
  anEntry({
    id: 9,
    words: 'approved payroll run #12',
    actor: 'baraka',
    actorName: 'Baraka Mwangi',
    action: 'payroll_run.approval_recorded',
    entity: 'payroll_run',
    entityId: '12',
    at: '2026-11-21T06:30:00.000Z',
  }),
  anEntry({
    id: 8,
    words: 'edited worker #4',
    changes: [{ field: 'Phone', before: '0712 345 678', after: '0799 888 777' }],
    details: '{"changed":{"phone":{"from":"254712345678","to":"254799888777"}}}',
  }),
  anEntry({
    id: 7,
    words: 'system.thing',
    actor: 'system',
    actorName: null,
    action: 'system.thing',
    entity: 'relay',
    entityId: null,
  }),
];

type ListInput = MethodInput<'audit.list'>;

function answerList(list: AuditEntry[] = entries): ListInput[] {
  const asked: ListInput[] = [];
  bridge.answer('audit.list', (input): MethodOutput<'audit.list'> => {
    asked.push(input);
    const shown = list.filter((e) => input.filter.actor === undefined || e.actor === input.filter.actor);
    return {
      entries: shown,
      total: shown.length,
      actors: [
        { actor: 'amina', actorName: 'Amina Odhiambo' },
        { actor: 'baraka', actorName: 'Baraka Mwangi' },
        { actor: 'system', actorName: null },
      ],
      actions: ['payroll_run.approval_recorded', 'worker.edited'],
    };
  });
  return asked;
}

describe('Audit log', () => {
  it('lists who did what and when from the navigation, and opens an entry’s before → after', async () => {
    const user = userEvent.setup();
    answerList();
    openAt('/');
    await screen.findByTestId('dashboard');
    await user.click(screen.getByTestId('nav-audit'));

    const table = await screen.findByTestId('audit-table');
    const [approved, edited, system] = within(table).getAllByTestId('audit-row');
    expect(within(approved!).getByText('Baraka Mwangi (baraka)')).toBeTruthy();
    expect(within(approved!).getByText('approved payroll run #12')).toBeTruthy();
    expect(within(approved!).getByText('21 Nov 2026, 09:30')).toBeTruthy();
    expect(within(system!).getByText('system')).toBeTruthy();
    expect(screen.getByTestId('audit-count').textContent).toBe('3 entries');

    await user.click(within(edited!).getByRole('button', { name: 'edited worker #4' }));
    const detail = await screen.findByTestId('audit-detail');
    const [change] = within(detail).getAllByTestId('audit-change');
    expect(change?.textContent).toBe('Phone0712 345 678→ 0799 888 777');
    expect(detail.textContent).toContain('Amina Odhiambo (amina)');
    expect(detail.textContent).toContain('"254799888777"');
  });

  it('narrows by who, what, what about, which one, days and a search, and exports what it shows', async () => {
    const user = userEvent.setup();
    const asked = answerList();
    const exported: Array<MethodInput<'audit.export'>> = [];
    bridge.answer('audit.export', (input) => {
      exported.push(input);
      return { fileName: 'audit.csv', mimeType: 'text/csv', rows: 1, path: '/tmp/audit.csv', contentBase64: null };
    });
    openAt('/#/audit');
    await screen.findByTestId('audit-table');

    await user.selectOptions(screen.getByTestId('audit-actor'), 'baraka');
    await waitFor(() => expect(asked.at(-1)?.filter).toEqual({ actor: 'baraka' }));
    expect(within(screen.getByTestId('audit-table')).getAllByTestId('audit-row')).toHaveLength(1);

    await user.selectOptions(screen.getByTestId('audit-action'), 'payroll_run.approval_recorded');
    await user.selectOptions(screen.getByTestId('audit-entity'), 'payroll_run');
    await user.type(screen.getByTestId('audit-entity-id'), '12');
    await waitFor(() =>
      expect(asked.at(-1)?.filter).toEqual({
        actor: 'baraka',
        action: 'payroll_run.approval_recorded',
        entity: 'payroll_run',
        entityId: '12',
      }),
    );

    await user.type(screen.getByTestId('audit-from'), '20/11/2026');
    await user.type(screen.getByTestId('audit-to'), '21/11/2026');
    await user.type(screen.getByTestId('audit-search'), 'mwangí');
    const everything = {
      actor: 'baraka',
      action: 'payroll_run.approval_recorded',
      entity: 'payroll_run',
      entityId: '12',
      from: '2026-11-20',
      to: '2026-11-21',
      search: 'mwangí',
    };
    await waitFor(() => expect(asked.at(-1)?.filter).toEqual(everything));

    await user.click(screen.getByTestId('export-audit-xlsx'));
    await waitFor(() => expect(exported).toEqual([{ filter: everything, format: 'xlsx' }]));
  });

  it('checks the chain now: says it holds, then names the first broken entry by id and time', async () => {
    const user = userEvent.setup();
    answerList();
    let verdict: MethodOutput<'audit.verify'> = { ok: true, entries: 3, checkedAt: '2026-11-21T07:00:00.000Z' };
    bridge.answer('audit.verify', () => verdict);
    openAt('/#/audit');
    await screen.findByTestId('audit-table');

    await user.click(screen.getByTestId('audit-verify'));
    expect((await screen.findByTestId('audit-verdict')).textContent).toContain('3 entries checked');

    verdict = {
      ok: false,
      checkedAt: '2026-11-21T07:05:00.000Z',
      entryId: 8,
      at: '2026-11-20T07:00:00.000Z',
      words: 'edited worker #4',
      problem: 'edited',
      message:
        'The audit log was changed outside Mshahara: entry 8 (20 Nov 2026, 10:00) was edited after it was written.',
    };
    await user.click(screen.getByTestId('audit-verify'));
    await waitFor(() =>
      expect(screen.getByTestId('audit-broken-entry').textContent).toBe(
        'Entry #8, written 20 Nov 2026, 10:00: “edited worker #4”',
      ),
    );
    expect(screen.getByTestId('audit-verdict').textContent).toContain('was edited after it was written');
    expect(bridge.callsOf('audit.verify')).toHaveLength(2);
  });

  it('shows the core’s refusal to a person without the role', async () => {
    const user = userEvent.setup();
    openAt('/');
    await screen.findByTestId('dashboard');
    bridge.failWith(
      'forbidden',
      'Seeing the audit log needs the Admin or Auditor role. Amina is signed in as Payroll officer.',
    );
    await user.click(screen.getByTestId('nav-audit'));

    expect(await screen.findByText(/needs the Admin or Auditor role/)).toBeTruthy();
    expect(screen.getByTestId('audit-empty').textContent).toBe('Not loaded: see the problem above.');
  });
});
