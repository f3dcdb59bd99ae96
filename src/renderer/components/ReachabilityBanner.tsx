// Says so across the top of every screen while M-Pesa or the relay cannot be reached, as the core
// finds it when its calls get no answer; gone as soon as one answers again. Kept apart from
// ConnectionBanner, which is about this page's own connection to Mshahara's core.
import { Alert, Stack, Text } from '@mantine/core';
import type { ReachabilityView } from '../../shared/contract/profile-care';
import { formatDateTime } from '../../shared/format';
import { nairobiDay } from '../../shared/time';
import { useContractQuery } from '../lib/queries';

type Unreachable = ReachabilityView['unreachable'][number];

/** "14:02" today, "30 Nov 2026, 14:02" before: Nairobi time. */
function sinceWords(since: string): string {
  const full = formatDateTime(since);
  return nairobiDay(since) === nairobiDay() ? (full.split(', ')[1] ?? full) : full;
}

export function reachabilityWords(down: Unreachable): string {
  const since = sinceWords(down.since);
  switch (down.target) {
    case 'mpesa':
      return `M-Pesa cannot be reached since ${since}. Payments wait and nothing is sent twice; Mshahara keeps trying.`;
    case 'relay':
      return `The relay cannot be reached since ${since}. M-Pesa's answers wait there and are collected when it answers again; nothing is paid twice.`;
    default: {
      const unexpected: never = down.target;
      return String(unexpected);
    }
  }
}

export function ReachabilityBanner() {
  const status = useContractQuery('connection.status', {});
  const down = status.value?.unreachable ?? [];
  if (down.length === 0) return null;
  return (
    <Alert color="orange" variant="light" role="status" mb="sm" data-testid="reachability-banner">
      <Stack gap={2}>
        {down.map((item) => (
          <Text key={item.target} size="sm" data-target={item.target}>
            {reachabilityWords(item)}{' '}
            <Text span size="xs" c="dimmed">
              ({item.host})
            </Text>
          </Text>
        ))}
      </Stack>
    </Alert>
  );
}
