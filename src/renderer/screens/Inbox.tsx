// Callback inbox: every answer M-Pesa sent, as it arrived. Those Mshahara could not match or
// flagged wait here with the action that settles them (a status query to M-Pesa).
import { Badge, Button, Code, Drawer, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { InboxEntry } from '../../shared/contract';
import { Problem } from '../components/Problem';
import { VirtualTable, type Column } from '../components/VirtualTable';
import { When } from '../components/When';
import { emptyWords, useContractMutation, useContractQuery } from '../lib/queries';
import { showProblem } from '../components/notify';
import { formatCount } from '../../shared/format';

type Show = 'all' | 'needs_action' | 'unmatched' | 'flagged';

const flagWords: Record<NonNullable<InboxEntry['flag']>, string> = {
  unmatched: 'No matching payment',
  amount_mismatch: 'Amount differs',
  party_mismatch: 'Number differs',
  duplicate: 'Duplicate',
  malformed: 'Unreadable',
  late: 'Arrived late',
};

export function Inbox() {
  const [show, setShow] = useState<Show>('needs_action');
  // Refreshed when new callbacks arrive (lib/queries.ts).
  const list = useContractQuery('inbox.list', { show, limit: 500, offset: 0 });
  const [open, setOpen] = useState<InboxEntry | undefined>(undefined);
  const [settling, setSettling] = useState<number | undefined>(undefined);
  // Settling reads the inbox, the work lists and the dashboard again (lib/queries.ts).
  const settleEntry = useContractMutation('inbox.settle');
  const entries = list.value?.entries ?? [];

  async function settle(entry: InboxEntry) {
    setSettling(entry.id);
    try {
      const answer = await settleEntry.mutateAsync({ id: entry.id });
      notifications.show({ color: answer.settled ? 'teal' : 'yellow', message: answer.message });
    } catch (error) {
      showProblem('Not settled', error);
    } finally {
      setSettling(undefined);
    }
  }

  const columns: Column<InboxEntry>[] = [
    { key: 'received', header: 'Received', width: '165px', render: (entry) => <When at={entry.receivedAt} /> },
    {
      key: 'kind',
      header: 'Kind',
      width: '130px',
      render: (entry) => <span data-testid="inbox-kind">{entry.kind}</span>,
    },
    { key: 'reference', header: 'Reference', width: '1fr', render: (entry) => entry.reference ?? '' },
    {
      key: 'state',
      header: 'State',
      width: '170px',
      render: (entry) =>
        entry.flag ? (
          <Badge color="orange" variant="light">
            {flagWords[entry.flag]}
          </Badge>
        ) : (
          <Badge color={entry.applied ? 'teal' : 'gray'} variant="light">
            {entry.applied ? 'Applied' : 'Waiting'}
          </Badge>
        ),
    },
    { key: 'reason', header: 'Why', width: '1.5fr', render: (entry) => entry.reason ?? '' },
    {
      key: 'actions',
      header: 'Actions',
      width: '170px',
      render: (entry) => (
        <Group gap={4} wrap="nowrap">
          <Button
            size="compact-xs"
            variant="subtle"
            onClick={() => setOpen(entry)}
            aria-label={`Show callback ${entry.id}`}
          >
            Show
          </Button>
          {entry.canSettle && (
            <Button
              size="compact-xs"
              variant="light"
              color="orange"
              onClick={() => void settle(entry)}
              loading={settling === entry.id}
              aria-label={`Settle callback ${entry.id}`}
            >
              Settle
            </Button>
          )}
        </Group>
      ),
    },
  ];

  return (
    <Stack data-testid="inbox">
      <Title order={2}>Callback inbox</Title>
      <Text size="sm" c="dimmed">
        Everything M-Pesa sent back, kept as it arrived. “Settle” asks M-Pesa for the status of the payment a callback
        is about and records the answer.
      </Text>
      <Group>
        <SegmentedControl
          aria-label="Which callbacks"
          value={show}
          onChange={(value) => setShow(value as Show)}
          data={[
            { value: 'needs_action', label: `Needs action${list.value ? ` (${list.value.needsAction})` : ''}` },
            { value: 'unmatched', label: 'Unmatched' },
            { value: 'flagged', label: 'Flagged' },
            { value: 'all', label: 'All' },
          ]}
        />
        <Text size="sm" c="dimmed">
          {list.value ? formatCount(list.value.total, 'callback') : ''}
        </Text>
      </Group>
      <Problem error={list.error} />
      <VirtualTable
        label="Callbacks"
        columns={columns}
        rowCount={entries.length}
        getRow={(index) => entries[index]}
        height="calc(100vh - 260px)"
        testId="inbox-table"
        empty={emptyWords(list, 'Nothing waiting: every callback was matched.')}
      />
      {open && (
        <Drawer
          opened
          onClose={() => setOpen(undefined)}
          position="right"
          size="lg"
          title={`Callback ${open.id} (${open.kind})`}
        >
          <Stack>
            <Text size="sm">
              From {open.source}, received <When at={open.receivedAt} />
            </Text>
            {open.reason && <Text size="sm">{open.reason}</Text>}
            <Code block className="raw-json">
              {(() => {
                try {
                  return JSON.stringify(JSON.parse(open.body), null, 2);
                } catch {
                  return open.body;
                }
              })()}
            </Code>
          </Stack>
        </Drawer>
      )}
    </Stack>
  );
}
