// The buckets of a statement with their counts and totals.
import { Table } from '@mantine/core';
import type { MethodOutput } from '../../../shared/contract';
import { buckets } from '../../../shared/contract-values';
import { Money } from '../../components/Money';

export const bucketWords = {
  matched: 'Matched',
  difference: 'Matched with a difference',
  charge: 'Charge',
  reversal: 'Reversal',
  statement_only: 'Only in the statement',
} as const;

export function BucketTable({ buckets: summary }: { buckets: MethodOutput<'statements.import'>['buckets'] }) {
  return (
    <Table data-testid="bucket-table" w="auto">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Bucket</Table.Th>
          <Table.Th>Rows</Table.Th>
          <Table.Th>Paid in</Table.Th>
          <Table.Th>Withdrawn</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {buckets.map((b) => (
          <Table.Tr key={b} data-testid={`bucket-${b}`}>
            <Table.Td>{bucketWords[b]}</Table.Td>
            <Table.Td data-testid={`bucket-${b}-count`}>{summary[b].count}</Table.Td>
            <Table.Td>
              <Money cents={summary[b].paidInCents} />
            </Table.Td>
            <Table.Td>
              <Money cents={summary[b].withdrawnCents} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
