// A run's needs-attention work list: payments no answer from M-Pesa has settled, each with why and
// what evidence would settle it, and findings (money that moved against the record). A person
// records each payment as paid or failed, and marks each finding as dealt with.
import { Alert, Badge, Button, Card, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useRef, useState } from 'react';
import type { AttentionItemView, FindingView } from '../../../shared/contract';
import { formatMsisdn } from '../../../shared/phone';
import { Money } from '../../components/Money';
import { Problem } from '../../components/Problem';
import { When } from '../../components/When';
import { useContractQuery } from '../../lib/queries';
import { ClearFinding } from './ClearFinding';
import { ResolvePayment, type ResolveOutcome } from './ResolvePayment';
import { findingWords } from './status';
import { formatCount, formatNumber } from '../../../shared/format';

function AttentionRow({ item, onResolve }: { item: AttentionItemView; onResolve(outcome: ResolveOutcome): void }) {
  return (
    <Paper
      withBorder
      p="sm"
      data-testid="attention-item"
      data-item-id={item.itemId}
      data-phone={item.phone}
      data-cents={item.amountCents}
      data-originator-id={item.originatorConversationId}
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4} style={{ flex: 1 }}>
          <Group gap="md">
            <Text fw={650} data-testid="attention-worker">
              {item.workerName}
            </Text>
            <Text size="sm">{formatMsisdn(item.phone)}</Text>
            <Money cents={item.amountCents} fw={600} size="sm" />
            <Text size="sm" c="dimmed">
              on the list since <When at={item.since || null} />
            </Text>
          </Group>
          <Text size="sm">
            <Text span fw={600} size="sm">
              Why:{' '}
            </Text>
            <span data-testid="attention-reason">{item.reason}</span>
          </Text>
          <Text size="sm">
            <Text span fw={600} size="sm">
              What would settle it:{' '}
            </Text>
            {item.missing}
          </Text>
          <Text size="xs" c="dimmed">
            Request ID{' '}
            <span style={{ fontFamily: 'var(--mantine-font-family-monospace)' }}>{item.originatorConversationId}</span>
            {item.conversationId ? ` · M-Pesa's ID ${item.conversationId}` : ' · M-Pesa never acknowledged it'}
          </Text>
        </Stack>
        <Stack gap={6}>
          <Button size="xs" color="teal" onClick={() => onResolve('paid')} data-testid="record-paid">
            Record as paid
          </Button>
          <Button size="xs" variant="light" color="red" onClick={() => onResolve('failed')} data-testid="record-failed">
            Record as failed
          </Button>
        </Stack>
      </Group>
    </Paper>
  );
}

function FindingRow({ finding, onClear }: { finding: FindingView; onClear(): void }) {
  return (
    <Paper withBorder p="sm" data-testid="finding" data-finding-id={finding.id} data-kind={finding.kind}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4} style={{ flex: 1 }}>
          <Group gap="md">
            <Badge color="red" variant="light">
              {findingWords(finding.kind)}
            </Badge>
            <Text fw={650}>{finding.workerName}</Text>
            <Text size="sm">{formatMsisdn(finding.phone)}</Text>
            <Money cents={finding.amountCents} fw={600} size="sm" />
            {finding.receipt && (
              <Text size="sm" ff="monospace" data-testid="finding-receipt">
                {finding.receipt}
              </Text>
            )}
          </Group>
          <Text size="sm" data-testid="finding-detail">
            {finding.detail}
          </Text>
          <Text size="xs" c="dimmed">
            Found <When at={finding.foundAt} />
          </Text>
        </Stack>
        <Button size="xs" variant="light" onClick={onClear} data-testid="clear-finding">
          Mark as dealt with
        </Button>
      </Group>
    </Paper>
  );
}

/** The work list of one run; renders nothing while the run has nothing waiting for a person. */
export function NeedsAttention({ runId, onChanged }: { runId: number; onChanged(): void }) {
  // Refreshed as the run's progress, new ledger rows and callbacks come in (lib/queries.ts).
  const list = useContractQuery('runs.attention', { runId });
  const [resolving, setResolving] = useState<{ item: AttentionItemView; outcome: ResolveOutcome } | undefined>(
    undefined,
  );
  const [clearing, setClearing] = useState<FindingView | undefined>(undefined);
  const { reload } = list;

  const items = list.value?.items ?? [];
  const findings = list.value?.findings ?? [];
  // The list grew or shrank without this screen acting (a late answer, a new finding): the run's
  // progress and results change with it.
  const notify = useRef(onChanged);
  useEffect(() => {
    notify.current = onChanged;
  }, [onChanged]);
  const shape = list.value === undefined ? undefined : `${items.length}/${findings.length}`;
  const shapeBefore = useRef(shape);
  useEffect(() => {
    if (shape !== undefined && shapeBefore.current !== undefined && shape !== shapeBefore.current) notify.current();
    shapeBefore.current = shape;
  }, [shape]);
  if (
    items.length === 0 &&
    findings.length === 0 &&
    list.error === undefined &&
    resolving === undefined &&
    clearing === undefined
  )
    return null;

  return (
    <Card
      withBorder
      p="md"
      data-testid="needs-attention-list"
      data-items={items.length}
      data-findings={findings.length}
      style={{ borderColor: 'var(--mantine-color-orange-5)' }}
    >
      <Stack gap="sm">
        <Problem error={list.error} title="The work list could not load" />
        {items.length > 0 && (
          <section aria-label="Payments that need attention">
            <Title order={3} size="h4">
              Needs attention: {formatCount(items.length, 'payment')}
            </Title>
            <Text size="sm" c="dimmed" mb="xs">
              M-Pesa has not said whether these were paid. Nothing is sent again for them on a guess. Mshahara keeps
              asking M-Pesa and settles them itself if an answer comes; or settle them here from the M-Pesa statement.
            </Text>
            <Stack gap="xs">
              {items.map((item) => (
                <AttentionRow
                  key={item.attemptId}
                  item={item}
                  onResolve={(outcome) => setResolving({ item, outcome })}
                />
              ))}
            </Stack>
          </section>
        )}
        {findings.length > 0 && (
          <section aria-label="Findings">
            <Title order={3} size="h4">
              Findings: money moved against the record ({formatNumber(findings.length)})
            </Title>
            <Alert color="red" variant="light" my="xs">
              M-Pesa moved money that contradicts what Mshahara had recorded (for example a worker paid twice). The
              money is in the ledger; recover it or accept it, then mark each as dealt with.
            </Alert>
            <Stack gap="xs">
              {findings.map((finding) => (
                <FindingRow key={finding.id} finding={finding} onClear={() => setClearing(finding)} />
              ))}
            </Stack>
          </section>
        )}
      </Stack>
      {resolving && (
        <ResolvePayment
          item={resolving.item}
          outcome={resolving.outcome}
          onClose={() => setResolving(undefined)}
          onResolved={() => void reload()}
        />
      )}
      {clearing && (
        <ClearFinding
          finding={clearing}
          onClose={() => setClearing(undefined)}
          onCleared={() => {
            setClearing(undefined);
            notifications.show({ message: 'Finding marked as dealt with.' });
            void reload();
          }}
        />
      )}
    </Card>
  );
}
