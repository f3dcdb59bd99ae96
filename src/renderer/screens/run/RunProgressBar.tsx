// The live progress of a run being sent: a bar split by how payments ended, the counts per state,
// the pace and the time left.
import { Group, Progress, Stack, Text } from '@mantine/core';
import type { RunProgress } from '../../../shared/contract';
import { Money } from '../../components/Money';

function timeLeft(seconds: number | null): string {
  if (seconds === null) return 'working it out';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${Math.ceil(seconds % 60)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function RunProgressBar({ progress }: { progress: RunProgress }) {
  const { counts, totals } = progress;
  const total = Math.max(1, totals.count);
  const settled = counts.paid + counts.failed + counts.cancelled;
  const percent = Math.round((settled / total) * 100);
  const share = (count: number) => (count / total) * 100;
  return (
    <Stack gap={6} data-testid="run-progress" data-settled={settled} data-total={totals.count} data-state={progress.state}>
      <Progress.Root size={22} role="progressbar" aria-label="Payments settled" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} data-testid="progress-bar">
        <Progress.Section value={share(counts.paid)} color="teal" aria-label="Paid">
          {counts.paid > 0 && <Progress.Label>{counts.paid} paid</Progress.Label>}
        </Progress.Section>
        <Progress.Section value={share(counts.failed)} color="red" aria-label="Failed">
          {counts.failed > 0 && <Progress.Label>{counts.failed}</Progress.Label>}
        </Progress.Section>
        <Progress.Section value={share(counts.paying)} color="blue" aria-label="Sending" animated />
        <Progress.Section value={share(counts.cancelled)} color="gray" aria-label="Not sent" />
      </Progress.Root>
      <Group gap="lg">
        <Text size="sm" data-testid="progress-counts">
          {counts.paid} paid · {counts.failed} failed · {counts.paying} sending · {counts.queued} waiting
          {counts.cancelled ? ` · ${counts.cancelled} not sent` : ''}
          {progress.needsAttention ? ` · ${progress.needsAttention} need a look` : ''}
        </Text>
        <Text size="sm">
          Paid <Money cents={totals.paidCents} /> of <Money cents={totals.amountCents} />
        </Text>
        <Text size="sm" c="dimmed">
          {progress.ratePerSecond === null ? '' : `${progress.ratePerSecond.toFixed(1)} payments a second · `}
          {progress.state === 'running' ? `about ${timeLeft(progress.etaSeconds)} left` : ''}
        </Text>
      </Group>
    </Stack>
  );
}
