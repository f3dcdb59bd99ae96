// The float statement of the chosen account and period, from the imported M-Pesa statement: the
// opening balance, every movement with M-Pesa's running balance and the payroll run it paid (a
// mark where the ledger has no row for it), the totals, the closing balance and whether they add
// up. Exports for reading (CSV, Excel) and for Xero and QuickBooks bank-statement imports.
import { Alert, Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { call } from '../../api';
import { Money } from '../../components/Money';
import { Problem } from '../../components/Problem';
import { When } from '../../components/When';
import { showProblem } from '../../components/notify';
import { deliverFile } from '../../lib/produced-file';
import { useContractQuery } from '../../lib/queries';
import { xeroLinesPerFile } from '../../../shared/contract-values';
import { formatCount, formatNumber } from '../../../shared/format';

type FloatFormat = 'csv' | 'xlsx' | 'xero' | 'quickbooks';

const exportButtons: Array<{ format: FloatFormat; label: string }> = [
  { format: 'csv', label: 'CSV' },
  { format: 'xlsx', label: 'Excel' },
  { format: 'xero', label: 'Xero' },
  { format: 'quickbooks', label: 'QuickBooks' },
];

export function FloatStatement({ account, period }: { account: string; period: string }) {
  const view = useContractQuery('statements.float', { account, period });
  const v = view.value;
  if (view.error) return <Problem error={view.error} />;
  if (!v) return null;
  const save = async (format: FloatFormat) => {
    try {
      deliverFile(await call('statements.floatExport', { account, period, format }));
    } catch (failure) {
      showProblem('The float statement was not exported', failure);
    }
  };
  if (!v.covered)
    return (
      <Alert color="yellow" title="No statement for this period" data-testid="float-missing">
        {v.missing}
      </Alert>
    );
  const holds = v.check !== null && v.check.adds && v.check.chains;
  return (
    <Stack data-testid="float-statement">
      <Group gap="xl">
        <Figure label="Opening balance" cents={v.openingBalanceCents ?? 0} testId="float-opening" />
        <Figure label="Paid in" cents={v.paidInCents} testId="float-paid-in" />
        <Figure label="Withdrawn" cents={v.withdrawnCents} testId="float-withdrawn" />
        <Figure label="Closing balance" cents={v.closingBalanceCents ?? 0} testId="float-closing" />
      </Group>
      <Alert
        color={holds ? 'teal' : 'red'}
        title={holds ? 'The balances add up' : 'The balances do not add up'}
        data-testid="float-check"
        data-ok={holds ? 'yes' : 'no'}
      >
        {v.check?.words}
      </Alert>
      {v.partly !== null && (
        <Alert color="yellow" title="Part of the period has no statement" data-testid="float-partly">
          {v.partly}
        </Alert>
      )}
      <Group gap="xs">
        <Text size="sm">Export:</Text>
        {exportButtons.map(({ format, label }) => (
          <Button
            key={format}
            size="xs"
            variant="light"
            onClick={() => void save(format)}
            data-testid={`float-export-${format}`}
          >
            {label}
          </Button>
        ))}
        {v.movements.length > xeroLinesPerFile && (
          <Text size="xs" c="dimmed" data-testid="float-xero-limit">
            Xero imports up to {formatNumber(xeroLinesPerFile)} lines a file: for Xero, export shorter periods (days,
            such as 2026-12-01..2026-12-15).
          </Text>
        )}
      </Group>
      <Table striped data-testid="float-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Completed</Table.Th>
            <Table.Th>Receipt</Table.Th>
            <Table.Th>Details</Table.Th>
            <Table.Th>Other party</Table.Th>
            <Table.Th>Paid in</Table.Th>
            <Table.Th>Withdrawn</Table.Th>
            <Table.Th>Balance</Table.Th>
            <Table.Th>Payroll run</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          <Table.Tr data-testid="float-opening-row">
            <Table.Td>
              <When at={v.from} />
            </Table.Td>
            <Table.Td colSpan={5}>Opening balance</Table.Td>
            <Table.Td>{v.openingBalanceCents !== null && <Money cents={v.openingBalanceCents} />}</Table.Td>
            <Table.Td />
          </Table.Tr>
          {v.movements.map((m) => (
            <Table.Tr key={m.statementRowId} data-testid={`float-row-${m.receipt}`}>
              <Table.Td>
                <When at={m.completedAt} />
              </Table.Td>
              <Table.Td>
                <Text component="span" ff="monospace" size="sm">
                  {m.receipt}
                </Text>{' '}
                {m.ledgerId === null && (
                  <Badge size="xs" color="orange" variant="light" data-testid={`float-unledgered-${m.receipt}`}>
                    Not in the ledger
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>{m.details}</Table.Td>
              <Table.Td>{m.otherParty}</Table.Td>
              <Table.Td>{m.paidInCents !== 0 && <Money cents={m.paidInCents} />}</Table.Td>
              <Table.Td>{m.withdrawnCents !== 0 && <Money cents={m.withdrawnCents} />}</Table.Td>
              <Table.Td>{m.balanceCents !== null && <Money cents={m.balanceCents} />}</Table.Td>
              <Table.Td>{m.runTitle}</Table.Td>
            </Table.Tr>
          ))}
          <Table.Tr data-testid="float-closing-row">
            <Table.Td />
            <Table.Td colSpan={3}>Closing balance ({formatCount(v.movements.length, 'movement')})</Table.Td>
            <Table.Td>
              <Money cents={v.paidInCents} />
            </Table.Td>
            <Table.Td>
              <Money cents={v.withdrawnCents} />
            </Table.Td>
            <Table.Td>{v.closingBalanceCents !== null && <Money cents={v.closingBalanceCents} />}</Table.Td>
            <Table.Td />
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <Text size="sm" c="dimmed" data-testid="float-ledger-note">
        {v.withoutLedgerRow > 0
          ? `${formatCount(v.withoutLedgerRow, 'movement')} ${v.withoutLedgerRow === 1 ? 'has' : 'have'} no ledger row (paid outside Mshahara, a top-up or money received): decide ${v.withoutLedgerRow === 1 ? 'it' : 'them'} under Matching. `
          : ''}
        The ledger has {formatCount(v.ledgerEntries, 'entry', 'entries')} in this period.
      </Text>
    </Stack>
  );
}

function Figure({ label, cents, testId }: { label: string; cents: number; testId: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Money cents={cents} fw={700} data-testid={testId} />
    </Stack>
  );
}
