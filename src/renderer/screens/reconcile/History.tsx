// Every reconciliation finished: account, period, balances, rows locked, who finished it and when.
import { Table, Text } from '@mantine/core';
import { Money } from '../../components/Money';
import { Problem } from '../../components/Problem';
import { When } from '../../components/When';
import { useContractQuery } from '../../lib/queries';
import { formatMonth, formatNumber } from '../../../shared/format';

export function History() {
  const history = useContractQuery('reconcile.history', {});
  if (history.error) return <Problem error={history.error} />;
  const list = history.value ?? [];
  if (list.length === 0) return <Text c="dimmed">No reconciliation finished yet.</Text>;
  return (
    <Table data-testid="reconcile-history">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Account</Table.Th>
          <Table.Th>Period</Table.Th>
          <Table.Th>Opening</Table.Th>
          <Table.Th>Closing</Table.Th>
          <Table.Th>Ledger movement</Table.Th>
          <Table.Th>Rows locked</Table.Th>
          <Table.Th>Reconciled by</Table.Th>
          <Table.Th>At</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {list.map((h) => (
          <Table.Tr key={h.id}>
            <Table.Td>{h.account}</Table.Td>
            <Table.Td>{formatMonth(h.period)}</Table.Td>
            <Table.Td>
              <Money cents={h.openingBalanceCents} />
            </Table.Td>
            <Table.Td>
              <Money cents={h.closingBalanceCents} />
            </Table.Td>
            <Table.Td>{h.ledgerNetCents !== null && <Money cents={h.ledgerNetCents} />}</Table.Td>
            <Table.Td>{formatNumber(h.lockedRows)}</Table.Td>
            <Table.Td>{h.finishedBy}</Table.Td>
            <Table.Td>
              <When at={h.finishedAt} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
