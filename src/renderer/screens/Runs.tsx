// Payroll runs: the list of runs, starting a new one (from the worker list or a file), and the
// open run with its review, sending, progress and results.
import { Badge, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { RunView } from '../../shared/contract';
import { Money } from '../components/Money';
import { Problem } from '../components/Problem';
import { VirtualTable, type Column } from '../components/VirtualTable';
import { When } from '../components/When';
import { emptyWords, useContractQuery } from '../lib/queries';
import { useNavigation } from '../stores/navigation';
import { NewRun } from './run/NewRun';
import { RunDetail } from './run/RunDetail';
import { statusColour, statusWords } from './run/status';
import { formatCount, formatNumber } from '../../shared/format';

export function Runs() {
  const { runId, openRun } = useNavigation();
  if (runId !== undefined) return <RunDetail runId={runId} onBack={() => openRun(undefined)} />;
  return <RunList onOpen={openRun} />;
}

function RunList({ onOpen }: { onOpen(runId: number): void }) {
  const list = useContractQuery('runs.list', { limit: 500, offset: 0 });
  const [creating, setCreating] = useState(false);
  // What waits for a person, per run: payments to settle and findings.
  const work = useContractQuery('runs.attention', {});
  const waiting = useMemo(() => {
    const byRun = new Map<number, { items: number; findings: number }>();
    const entry = (runId: number) => {
      let found = byRun.get(runId);
      if (found === undefined) byRun.set(runId, (found = { items: 0, findings: 0 }));
      return found;
    };
    for (const item of work.value?.items ?? []) entry(item.runId).items += 1;
    for (const finding of work.value?.findings ?? []) entry(finding.runId).findings += 1;
    return byRun;
  }, [work.value]);
  const runs = list.value?.runs ?? [];
  const columns: Column<RunView>[] = [
    { key: 'title', header: 'Run', width: '1.5fr', render: (run) => run.title },
    {
      key: 'status',
      header: 'Status',
      width: '140px',
      render: (run) => (
        <Badge color={statusColour(run.displayStatus)} variant="light">
          {statusWords(run.displayStatus)}
        </Badge>
      ),
    },
    {
      key: 'attention',
      header: 'Needs attention',
      width: '200px',
      render: (run) => {
        const open = waiting.get(run.id);
        if (!open) return '';
        return (
          <Group gap={4} wrap="nowrap" data-testid="run-attention">
            {open.items > 0 && (
              <Badge color="orange" variant="light">
                {open.items} to settle
              </Badge>
            )}
            {open.findings > 0 && (
              <Badge color="red" variant="filled">
                {formatCount(open.findings, 'finding')}
              </Badge>
            )}
          </Group>
        );
      },
    },
    {
      key: 'count',
      header: 'Workers',
      width: '90px',
      align: 'right',
      render: (run) => formatNumber(run.totals.count),
    },
    {
      key: 'total',
      header: 'Total',
      width: '160px',
      align: 'right',
      render: (run) => <Money cents={run.totals.amountCents} />,
    },
    {
      key: 'paid',
      header: 'Paid',
      width: '160px',
      align: 'right',
      render: (run) => <Money cents={run.totals.paidCents} />,
    },
    { key: 'created', header: 'Created', width: '170px', render: (run) => <When at={run.createdAt} /> },
  ];
  return (
    <Stack data-testid="runs">
      <Group justify="space-between">
        <Title order={2}>Payroll runs</Title>
        <Button onClick={() => setCreating(true)} data-testid="new-run">
          New payroll run
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        Open a run to review, approve, send it, and see who got paid.
      </Text>
      <Problem error={list.error} />
      <VirtualTable
        label="Payroll runs"
        columns={columns}
        rowCount={runs.length}
        getRow={(index) => runs[index]}
        onRowClick={(run) => onOpen(run.id)}
        height="calc(100vh - 220px)"
        testId="runs-table"
        empty={emptyWords(list, 'No payroll runs yet.')}
      />
      {creating && <NewRun onClose={() => setCreating(false)} onCreated={(run) => onOpen(run.id)} />}
    </Stack>
  );
}
