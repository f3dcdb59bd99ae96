// A worker's history: who changed what and when (Nairobi time), each field before → after, and
// each new M-Pesa number asked for, approved, rejected or withdrawn. Read from the audit log.
import { Modal, Stack, Table, Text } from '@mantine/core';
import type { WorkerHistoryEntryView } from '../../../shared/contract';
import { formatMoney } from '../../../shared/format';
import { formatMsisdn } from '../../../shared/phone';
import { Problem } from '../../components/Problem';
import { When } from '../../components/When';
import { emptyWords, useContractQuery } from '../../lib/queries';

const fieldNames: Record<string, string> = {
  name: 'Name',
  phone: 'M-Pesa number',
  defaultAmountCents: 'Usual pay',
  department: 'Department',
  staffNumber: 'Staff number',
  nationalId: 'National ID',
  notes: 'Notes',
};

/** What happened, in words. */
export function historyWords(entry: WorkerHistoryEntryView): string {
  switch (entry.kind) {
    case 'added':
      return entry.via === 'import' ? 'Added from a worker file' : 'Added';
    case 'edited':
      return 'Changed';
    case 'archived':
      return 'Deactivated';
    case 'restored':
      return 'Restored';
    case 'phone_change_requested':
      return 'New M-Pesa number, waiting for approval';
    case 'phone_change_approved':
      return 'New M-Pesa number approved';
    case 'phone_change_rejected':
      return 'New M-Pesa number rejected; the old number is back';
    case 'phone_change_withdrawn':
      return 'New M-Pesa number withdrawn before anyone decided';
    case 'other':
      return entry.action;
    default: {
      const unknownKind: never = entry.kind;
      return unknownKind;
    }
  }
}

function valueText(field: string, value: string | number | null): string {
  if (value === null || value === '') return '—';
  if (field === 'phone' && typeof value === 'string') return formatMsisdn(value);
  if (field === 'defaultAmountCents' && typeof value === 'number') return formatMoney(value);
  return String(value);
}

export function WorkerHistory({ workerId, name, onClose }: { workerId: number; name: string; onClose(): void }) {
  const history = useContractQuery('workers.history', { id: workerId });
  const entries = history.value?.entries ?? [];
  return (
    <Modal opened onClose={onClose} title={`History of ${name}`} size="xl">
      <Stack>
        <Problem error={history.error} title="The history could not be loaded" />
        {entries.length === 0 ? (
          <Text c="dimmed">{emptyWords(history, 'Nothing recorded for this worker yet.')}</Text>
        ) : (
          <Table striped aria-label={`History of ${name}`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Who</Table.Th>
                <Table.Th>What</Table.Th>
                <Table.Th>Before → after</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((entry) => (
                <Table.Tr key={entry.id} data-testid="history-entry">
                  <Table.Td>
                    <When at={entry.at} />
                  </Table.Td>
                  <Table.Td>{entry.actorName}</Table.Td>
                  <Table.Td>{historyWords(entry)}</Table.Td>
                  <Table.Td>
                    {entry.changes.map((change) => (
                      <Text size="sm" key={change.field}>
                        {fieldNames[change.field] ?? change.field}: {valueText(change.field, change.before)} →{' '}
                        {valueText(change.field, change.after)}
                      </Text>
                    ))}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Modal>
  );
}
