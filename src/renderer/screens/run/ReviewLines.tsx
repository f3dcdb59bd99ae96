// Every line of the run before it is approved, a page at a time, each beside what the person was
// last paid: new people, a new number, another name on the number, another amount. The maker
// edits or removes lines here while the run is a draft.
import { Badge, Button, Card, Group, Pagination, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { ReviewLine } from '../../../shared/contract';
import { formatCount } from '../../../shared/format';
import { formatKesWithCurrency } from '../../../shared/money';
import { formatMsisdn } from '../../../shared/phone';
import { call } from '../../api';
import { Money } from '../../components/Money';
import { showProblem } from '../../components/notify';
import { Problem } from '../../components/Problem';
import { useContractQuery } from '../../lib/queries';
import { EditLine } from './EditLine';

const pageSize = 50;

/** What changed since the person was last paid, in words (each change its own badge). */
export function changeWords(line: ReviewLine): Array<{ words: string; colour: string }> {
  if (line.change === 'new') return [{ words: 'New: never paid before', colour: 'blue' }];
  if (line.change === 'same' || line.lastPaid === null) return [];
  const last = line.lastPaid;
  const words: Array<{ words: string; colour: string }> = [];
  if (line.phoneChanged) words.push({ words: `New number: was ${formatMsisdn(last.phone)}`, colour: 'red' });
  if (line.nameChanged) words.push({ words: `Paid as ${last.name} before`, colour: 'orange' });
  if (line.amountChanged) words.push({ words: `Was ${formatKesWithCurrency(last.amountCents)}`, colour: 'yellow' });
  return words;
}

export function ReviewLines({
  runId,
  mayEdit,
  counts,
}: {
  runId: number;
  mayEdit: boolean;
  counts: { newPeople: number; phoneChanged: number; nameChanged: number; amountChanged: number };
}) {
  const [show, setShow] = useState<'all' | 'changed'>('all');
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<ReviewLine | undefined>(undefined);
  const lines = useContractQuery('runs.review', {
    runId,
    lines: { show, limit: pageSize, offset: (page - 1) * pageSize },
  });
  const items = lines.value?.lines.items ?? [];
  const total = lines.value?.lines.total ?? 0;

  async function remove(line: ReviewLine) {
    try {
      await call('runs.removeLine', { itemId: line.itemId });
    } catch (error) {
      showProblem('Not removed', error);
    }
  }

  return (
    <Card withBorder p="sm" data-testid="review-lines">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3} size="h5">
            Who this run pays
          </Title>
          <SegmentedControl
            size="xs"
            value={show}
            onChange={(value) => {
              setShow(value === 'changed' ? 'changed' : 'all');
              setPage(1);
            }}
            data={[
              { value: 'all', label: 'Every line' },
              { value: 'changed', label: 'New or changed since last paid' },
            ]}
          />
        </Group>
        <Text size="sm" data-testid="change-counts">
          Since these people were last paid: {formatCount(counts.newPeople, 'new person', 'new people')},{' '}
          {formatCount(counts.phoneChanged, 'changed number')}, {formatCount(counts.nameChanged, 'changed name')},{' '}
          {formatCount(counts.amountChanged, 'changed amount')}.
        </Text>
        <Problem error={lines.error} title="The lines could not load" />
        <Table data-testid="review-lines-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={60}>Line</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Phone</Table.Th>
              <Table.Th ta="right">Amount</Table.Th>
              <Table.Th>Since last paid</Table.Th>
              {mayEdit && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((line) => (
              <Table.Tr key={line.itemId} data-testid="review-line">
                <Table.Td>{line.lineNumber ?? ''}</Table.Td>
                <Table.Td>{line.name}</Table.Td>
                <Table.Td>{formatMsisdn(line.phone)}</Table.Td>
                <Table.Td ta="right">
                  <Money cents={line.amountCents} />
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {changeWords(line).map((change) => (
                      <Badge key={change.words} color={change.colour} variant="light" tt="none">
                        {change.words}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                {mayEdit && (
                  <Table.Td>
                    <Group gap={4} justify="flex-end">
                      <Button size="compact-xs" variant="subtle" onClick={() => setEditing(line)}>
                        Edit
                      </Button>
                      <Button size="compact-xs" variant="subtle" color="red" onClick={() => void remove(line)}>
                        Remove
                      </Button>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {total > pageSize && (
          <Pagination total={Math.ceil(total / pageSize)} value={page} onChange={setPage} size="sm" />
        )}
      </Stack>
      {editing && <EditLine line={editing} onClose={() => setEditing(undefined)} />}
    </Card>
  );
}
