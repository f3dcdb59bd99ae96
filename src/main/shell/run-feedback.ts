// What the desktop shows outside the window while payroll goes out: the taskbar/dock progress of
// a running run, and a desktop notification when a run ends. Electron's parts are passed in.
import type { EventPayload } from '../../shared/contract';
import { formatKesWithCurrency } from '../../shared/money';
import type { EventListener } from '../handlers/context';

export interface RunFeedbackCollaborators {
  /** win.setProgressBar: 0–1 while a run goes, -1 to remove the bar. */
  setProgress(fraction: number): void;
  /** Shows a desktop notification (Electron's Notification), when the system supports them. */
  notify(title: string, body: string): void;
}

export function runEndedMessage(ended: EventPayload<'run.ended'>): { title: string; body: string } {
  const paid = `${ended.paidCount} paid (${formatKesWithCurrency(ended.paidCents)})`;
  const failed = ended.failedCount === 0 ? '' : `, ${ended.failedCount} failed`;
  switch (ended.displayStatus) {
    case 'cancelled':
      return { title: `Payroll run "${ended.title}" cancelled`, body: `${paid}${failed}. Nothing more will be sent.` };
    case 'completed':
      return { title: `Payroll run "${ended.title}" is done`, body: `Everyone was paid: ${paid}.` };
    case 'partially_paid':
    case 'failed':
      return {
        title: `Payroll run "${ended.title}" ended with failures`,
        body: `${paid}${failed}. Open Mshahara to see why and retry.`,
      };
    case 'draft':
    case 'approved':
    case 'running':
    case 'paused':
      return { title: `Payroll run "${ended.title}" stopped`, body: `${paid}${failed}.` };
    default: {
      const unexpected: never = ended.displayStatus;
      return { title: 'Payroll run ended', body: String(unexpected) };
    }
  }
}

/**
 * An event listener for the hub. Progress counts settled items (paid, failed, cancelled) of all
 * runs going at once; the bar goes away when none is left going.
 */
export function runFeedback(collaborators: RunFeedbackCollaborators): EventListener {
  const going = new Map<number, { settled: number; total: number }>();
  const show = (): void => {
    if (going.size === 0) {
      collaborators.setProgress(-1);
      return;
    }
    let settled = 0;
    let total = 0;
    for (const run of going.values()) {
      settled += run.settled;
      total += run.total;
    }
    collaborators.setProgress(total === 0 ? 0 : settled / total);
  };
  return (event, payload) => {
    if (event === 'run.progress') {
      const progress = payload as EventPayload<'run.progress'>;
      if (progress.state === 'running') {
        const { paid, failed, cancelled } = progress.counts;
        going.set(progress.runId, { settled: paid + failed + cancelled, total: progress.totals.count });
      } else {
        going.delete(progress.runId);
      }
      show();
    } else if (event === 'run.ended') {
      const ended = payload as EventPayload<'run.ended'>;
      going.delete(ended.runId);
      show();
      const message = runEndedMessage(ended);
      collaborators.notify(message.title, message.body);
    }
  };
}
