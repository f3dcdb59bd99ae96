// The reconcile view: the statement's opening and closing balance, the ledger's movement, the
// cleared total of ticked rows and the difference, which falls to zero as rows are ticked. Finish
// is offered at zero and locks the ticked rows; a locked row's tick cannot change.
import { Alert, Badge, Button, Checkbox, Group, Stack, Table, Text } from '@mantine/core';
import { call } from '../../api';
import { Money } from '../../components/Money';
import { Problem } from '../../components/Problem';
import { When } from '../../components/When';
import { deliverFile } from '../../lib/produced-file';
import { useContractQuery } from '../../lib/queries';
import { bucketWords } from './BucketTable';
import { showProblem } from '../../components/notify';

export function ReconcilePeriod({
  account,
  period,
  onChanged,
}: {
  account: string;
  period: string;
  onChanged: () => void;
}) {
  const view = useContractQuery('reconcile.show', { account, period });
  const v = view.value;
  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      onChanged();
    } catch (failure) {
      showProblem('That did not work', failure);
      onChanged();
    }
  };
  if (view.error) return <Problem error={view.error} />;
  if (!v) return null;
  const finished = v.state === 'finished';
  return (
    <Stack data-testid="reconcile-view">
      <Group gap="xl">
        <Figure label="Opening balance" cents={v.openingBalanceCents} testId="opening" />
        <Figure label="Closing balance" cents={v.closingBalanceCents} testId="closing" />
        <Figure label="Ledger movement" cents={v.ledgerNetCents} testId="ledger-movement" />
        <Figure label="Cleared" cents={v.clearedCents} testId="cleared" />
        <Figure
          label="Difference"
          cents={v.differenceCents}
          testId="difference"
          colour={v.differenceCents === 0 ? 'teal' : 'red'}
        />
      </Group>
      {finished ? (
        <Alert color="teal" title="Reconciled" data-testid="reconciled">
          Finished by {v.finishedBy} at <When at={v.finishedAt} />. The ticked rows are locked; a correction is a new
          row.
        </Alert>
      ) : (
        <Group>
          <Button
            variant="light"
            onClick={() => void act(() => call('reconcile.tickMatched', { account, period }))}
            data-testid="tick-matched"
          >
            Tick every matched row
          </Button>
          <Button
            disabled={v.differenceCents !== 0 || v.rows.length === 0}
            onClick={() => void act(() => call('reconcile.finish', { account, period }))}
            data-testid="finish"
          >
            Finish reconciliation
          </Button>
        </Group>
      )}
      <Group>
        <Button
          size="xs"
          variant="subtle"
          onClick={() =>
            void act(async () => deliverFile(await call('reconcile.export', { account, period, format: 'csv' })))
          }
        >
          Report (CSV)
        </Button>
        <Button
          size="xs"
          variant="subtle"
          onClick={() =>
            void act(async () => deliverFile(await call('reconcile.export', { account, period, format: 'xlsx' })))
          }
        >
          Report (Excel)
        </Button>
      </Group>
      <Table striped data-testid="reconcile-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Cleared</Table.Th>
            <Table.Th>Receipt</Table.Th>
            <Table.Th>Completed</Table.Th>
            <Table.Th>Details</Table.Th>
            <Table.Th>Amount</Table.Th>
            <Table.Th>Balance</Table.Th>
            <Table.Th>Bucket</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {v.rows.map((r) => (
            <Table.Tr key={r.statementRowId} data-testid={`row-${r.receipt}`} data-locked={r.locked ? 'yes' : 'no'}>
              <Table.Td>
                <Checkbox
                  aria-label={`Cleared ${r.receipt}`}
                  checked={r.ticked}
                  onChange={(event) =>
                    void act(() =>
                      call('reconcile.tick', { rowIds: [r.statementRowId], ticked: event.currentTarget.checked }),
                    )
                  }
                  data-testid={`tick-${r.receipt}`}
                />
              </Table.Td>
              <Table.Td>
                <Text component="span" ff="monospace" size="sm">
                  {r.receipt}
                </Text>{' '}
                {r.locked && (
                  <Badge size="xs" color="gray" variant="light">
                    Locked
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                <When at={r.completedAt} />
              </Table.Td>
              <Table.Td>{r.details}</Table.Td>
              <Table.Td>
                <Money cents={r.paidInCents - r.withdrawnCents} />
              </Table.Td>
              <Table.Td>{r.balanceCents !== null && <Money cents={r.balanceCents} />}</Table.Td>
              <Table.Td>{bucketWords[r.bucket]}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function Figure({ label, cents, testId, colour }: { label: string; cents: number; testId: string; colour?: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Money cents={cents} fw={700} c={colour} data-testid={testId} />
    </Stack>
  );
}
