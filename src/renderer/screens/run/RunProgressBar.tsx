// The live progress of a run being sent: a bar split by how payments ended, the counts per state,
// the pace and the time left; while sending is held (no answers from M-Pesa) it says so first, and
// it counts what waits for a person.
import { Alert, Badge, Group, Progress, Stack, Text } from '@mantine/core';
import type { RunProgress } from '../../../shared/contract';
import { Money } from '../../components/Money';
import { formatCount, formatNumber } from '../../../shared/format';

function pace(progress: RunProgress): string {
  if (progress.state !== 'running' || progress.held !== null) return '';
  const rate = progress.ratePerSecond === null ? '' : `${progress.ratePerSecond.toFixed(1)} payments a second · `;
  return progress.etaSeconds === null
    ? `${rate}working out the time left`
    : `${rate}about ${timeLeft(progress.etaSeconds)} left`;
}

function timeLeft(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes} min ${Math.ceil(seconds % 60)} s`
    : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function RunProgressBar({ progress }: { progress: RunProgress }) {
  const { counts, totals } = progress;
  const total = Math.max(1, totals.count);
  const settled = counts.paid + counts.failed + counts.cancelled;
  const percent = Math.round((settled / total) * 100);
  const share = (count: number) => (count / total) * 100;
  // Payments on the work list are still "paying" to the core, but nothing is being sent for them.
  const waitingForPerson = Math.min(progress.needsAttention, counts.paying);
  const onlyPersonLeft =
    progress.state === 'running' && counts.queued === 0 && counts.paying > 0 && counts.paying === waitingForPerson;
  return (
    <Stack
      gap={6}
      data-testid="run-progress"
      data-settled={settled}
      data-total={totals.count}
      data-state={progress.state}
      data-held={progress.held === null ? undefined : 'yes'}
      data-findings={progress.findings}
    >
      {progress.held !== null && (
        <Alert
          color="orange"
          variant="filled"
          title="No answers are arriving from M-Pesa"
          role="alert"
          data-testid="run-held"
        >
          {progress.held}
        </Alert>
      )}
      <Progress.Root
        size={22}
        role="progressbar"
        aria-label="Payments settled"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        data-testid="progress-bar"
      >
        <Progress.Section value={share(counts.paid)} color="teal" aria-label="Paid">
          {counts.paid > 0 && <Progress.Label>{formatNumber(counts.paid)} paid</Progress.Label>}
        </Progress.Section>
        <Progress.Section value={share(counts.failed)} color="red" aria-label="Failed">
          {counts.failed > 0 && <Progress.Label>{counts.failed}</Progress.Label>}
        </Progress.Section>
        <Progress.Section value={share(counts.paying - waitingForPerson)} color="blue" aria-label="Sending" animated />
        <Progress.Section value={share(waitingForPerson)} color="orange" aria-label="Needs attention" />
        <Progress.Section value={share(counts.cancelled)} color="gray" aria-label="Not sent" />
      </Progress.Root>
      <Group gap="lg">
        <Text size="sm" data-testid="progress-counts">
          {formatNumber(counts.paid)} paid · {formatNumber(counts.failed)} failed · {formatNumber(counts.paying)}{' '}
          sending · {formatNumber(counts.queued)} waiting
          {counts.cancelled ? ` · ${formatNumber(counts.cancelled)} not sent` : ''}
        </Text>
        {progress.needsAttention > 0 && (
          <Badge color="orange" variant="light" data-testid="progress-needs-attention">
            {formatNumber(progress.needsAttention)} need{progress.needsAttention === 1 ? 's' : ''} attention
          </Badge>
        )}
        {progress.findings > 0 && (
          <Badge color="red" variant="filled" data-testid="progress-findings">
            {formatCount(progress.findings, 'finding')}: money moved against the record
          </Badge>
        )}
        <Text size="sm">
          Paid <Money cents={totals.paidCents} /> of <Money cents={totals.amountCents} />
        </Text>
        <Text size="sm" c="dimmed">
          {onlyPersonLeft ? 'Nothing left to send: the rest waits for you (below).' : pace(progress)}
        </Text>
      </Group>
    </Stack>
  );
}
