// Results per worker: receipt, the name M-Pesa registered (flagged when it differs), and why a
// payment failed in plain words.
import { Badge, Group, SegmentedControl, Text, TextInput, Tooltip } from '@mantine/core';
import { useState } from 'react';
import type { RunResultRow } from '../../../shared/contract';
import { formatMsisdn } from '../../../shared/phone';
import { Money } from '../../components/Money';
import { Problem } from '../../components/Problem';
import { VirtualTable, type Column } from '../../components/VirtualTable';
import { emptyWords, useContractQuery } from '../../lib/queries';
import { itemWords } from './status';
import { formatCount } from '../../../shared/format';

type Show = 'all' | 'paid' | 'failed' | 'pending' | 'needs_attention' | 'name_mismatch';

const stateColours: Record<RunResultRow['state'], string> = {
  draft: 'gray',
  queued: 'gray',
  paying: 'blue',
  paid: 'teal',
  failed: 'red',
  cancelled: 'gray',
};

const columns: Column<RunResultRow>[] = [
  { key: 'name', header: 'Worker', width: '1.2fr', render: (row) => row.name },
  { key: 'phone', header: 'Phone', width: '120px', render: (row) => formatMsisdn(row.phone) },
  {
    key: 'amount',
    header: 'Amount',
    width: '130px',
    align: 'right',
    render: (row) => <Money cents={row.amountCents} />,
  },
  {
    key: 'state',
    header: 'Status',
    width: '140px',
    render: (row) => (
      <Badge
        color={row.needsAttention ? 'orange' : stateColours[row.state]}
        variant="light"
        data-testid="result-state"
        data-state={row.state}
      >
        {row.needsAttention ? 'Needs a look' : itemWords(row.state)}
      </Badge>
    ),
  },
  {
    key: 'receipt',
    header: 'Receipt',
    width: '135px',
    render: (row) => <span data-testid="result-receipt">{row.receipt ?? ''}</span>,
  },
  {
    key: 'registered',
    header: 'Name on M-Pesa',
    width: '1.2fr',
    render: (row) =>
      row.registeredName === null ? (
        ''
      ) : (
        <Group gap={4} wrap="nowrap">
          <span>{row.registeredName}</span>
          {row.nameMismatch && (
            <Badge color="orange" size="xs" title="The name M-Pesa has differs from the worker list">
              differs
            </Badge>
          )}
        </Group>
      ),
  },
  {
    key: 'failure',
    header: 'Why',
    width: '1.6fr',
    render: (row) =>
      row.failure === null ? (
        ''
      ) : (
        <Tooltip label={row.failure.action ?? row.failure.message} multiline w={320}>
          <Text span size="sm" c="red.8">
            {row.failure.message}
          </Text>
        </Tooltip>
      ),
  },
];

/** A run's payments, one row per worker; refreshed as its payments settle (lib/queries.ts). */
export function RunResults({ runId }: { runId: number }) {
  const [show, setShow] = useState<Show>('all');
  const [search, setSearch] = useState('');
  const results = useContractQuery('runs.results', {
    runId,
    show,
    search: search.trim() || undefined,
    limit: 1000,
    offset: 0,
  });
  const items = results.value?.items ?? [];
  return (
    <>
      <Group>
        <SegmentedControl
          aria-label="Which payments"
          size="xs"
          value={show}
          onChange={(value) => setShow(value as Show)}
          data={[
            { value: 'all', label: 'All' },
            { value: 'paid', label: 'Paid' },
            { value: 'failed', label: 'Failed' },
            { value: 'pending', label: 'Not settled' },
            { value: 'needs_attention', label: 'Needs a look' },
            { value: 'name_mismatch', label: 'Name differs' },
          ]}
        />
        <TextInput
          size="xs"
          aria-label="Search this run"
          placeholder="Search name, phone or receipt"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={260}
        />
        <Text size="sm" c="dimmed">
          {results.value ? formatCount(results.value.total, 'payment') : ''}
        </Text>
      </Group>
      <Problem error={results.error} />
      <VirtualTable
        label="Results per worker"
        columns={columns}
        rowCount={items.length}
        getRow={(index) => items[index]}
        height={420}
        testId="run-results"
        empty={emptyWords(results, 'Nothing to show.')}
      />
    </>
  );
}
