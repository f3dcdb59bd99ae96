// Outside the window while payroll goes out: taskbar progress of running runs, a notification when one ends.
import { describe, expect, it } from 'vitest';
import type { EventPayload } from '../../../src/shared/contract';
import { runFeedback } from '../../../src/main/shell/run-feedback';
import { EventHub } from '../../../src/main/handlers';

function progress(
  runId: number,
  state: EventPayload<'run.progress'>['state'],
  counts: Partial<EventPayload<'run.progress'>['counts']>,
  total: number,
): EventPayload<'run.progress'> {
  const full = { draft: 0, queued: 0, paying: 0, paid: 0, failed: 0, cancelled: 0, ...counts };
  return {
    runId,
    state,
    displayStatus: state === 'completed' ? 'completed' : 'running',
    counts: full,
    totals: {
      count: total,
      amountCents: total * 100_00,
      paidCents: full.paid * 100_00,
      failedCents: 0,
      pendingCents: 0,
      cancelledCents: 0,
    },
    needsAttention: 0,
    findings: 0,
    held: null,
    ratePerSecond: 10,
    etaSeconds: 1,
    at: new Date(0).toISOString(),
  };
}

function harness() {
  const bar: number[] = [];
  const notes: Array<{ title: string; body: string }> = [];
  const hub = new EventHub();
  hub.on(runFeedback({ setProgress: (f) => bar.push(f), notify: (title, body) => notes.push({ title, body }) }));
  return { hub, bar, notes };
}

describe('run feedback', () => {
  it('moves the taskbar progress with settled items and removes it when the run stops going', () => {
    const { hub, bar } = harness();
    hub.publish('run.progress', progress(1, 'running', { queued: 4 }, 4));
    hub.publish('run.progress', progress(1, 'running', { paid: 1, queued: 3 }, 4));
    hub.publish('run.progress', progress(1, 'running', { paid: 2, failed: 1, paying: 1 }, 4));
    hub.publish('run.progress', progress(1, 'completed', { paid: 3, failed: 1 }, 4));
    expect(bar).toEqual([0, 0.25, 0.75, -1]);
  });

  it('adds up runs going at the same time', () => {
    const { hub, bar } = harness();
    hub.publish('run.progress', progress(1, 'running', { paid: 2, queued: 2 }, 4));
    hub.publish('run.progress', progress(2, 'running', { paid: 0, queued: 4 }, 4));
    expect(bar.at(-1)).toBe(2 / 8);
  });

  it('notifies once when a run ends, in the officer’s words, and clears the bar', () => {
    const { hub, bar, notes } = harness();
    hub.publish('run.progress', progress(7, 'running', { paid: 1, queued: 1 }, 2));
    hub.publish('run.ended', {
      runId: 7,
      title: 'November salaries',
      displayStatus: 'partially_paid',
      paidCount: 48,
      failedCount: 2,
      paidCents: 1_250_000_00,
    });
    expect(notes).toEqual([
      {
        title: 'Payroll run "November salaries" ended with failures',
        body: '48 paid (KES 1,250,000.00), 2 failed. Open Mshahara to see why and retry.',
      },
    ]);
    expect(bar.at(-1)).toBe(-1);
  });

  it('says everyone was paid when everyone was', () => {
    const { hub, notes } = harness();
    hub.publish('run.ended', {
      runId: 8,
      title: 'Casuals',
      displayStatus: 'completed',
      paidCount: 3,
      failedCount: 0,
      paidCents: 4_500_00,
    });
    expect(notes[0]?.body).toBe('Everyone was paid: 3 paid (KES 4,500.00).');
  });
});
