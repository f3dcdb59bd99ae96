// The matching view: every statement row of the period in its bucket (the buckets are the filters),
// the raw statement row beside the ledger row it matched, what differs, and for a row only on the
// statement what a person can decide: add it to the ledger, say it belongs elsewhere, or confirm a
// proposed payout attempt (settled through the payout engine, never silently).
import { Alert, Badge, Button, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { ReconcileRowView } from '../../../shared/contract';
import { buckets } from '../../../shared/contract-values';
import { call } from '../../api';
import { Money } from '../../components/Money';
import { Problem } from '../../components/Problem';
import { When } from '../../components/When';
import { useContractQuery } from '../../lib/queries';
import { bucketWords } from './BucketTable';
import { showProblem } from '../../components/notify';
import { formatNumber } from '../../../shared/format';

type Filter = 'all' | (typeof buckets)[number];

export function Matching({ account, period, onChanged }: { account: string; period: string; onChanged: () => void }) {
  const [filter, setFilter] = useState<Filter>('all');
  const view = useContractQuery('reconcile.show', { account, period });
  if (view.error) return <Problem error={view.error} />;
  const rows = (view.value?.rows ?? []).filter((r) => filter === 'all' || r.bucket === filter);
  const serious = (view.value?.rows ?? []).filter((r) => r.serious !== null);

  const decide = async (input: Parameters<typeof call<'reconcile.decide'>>[1]) => {
    try {
      const answer = await call('reconcile.decide', input);
      notifications.show({ message: answer.message });
      onChanged();
    } catch (failure) {
      showProblem('That did not work', failure);
    }
  };

  return (
    <Stack data-testid="matching">
      {serious.length > 0 && (
        <Alert color="red" title="Paid by M-Pesa, recorded by Mshahara as failed" data-testid="serious-findings">
          {serious.map((r) => `${r.receipt} ${r.otherParty ?? ''}`).join(', ')}: money left the account that the ledger
          says never did.
        </Alert>
      )}
      <SegmentedControl
        value={filter}
        onChange={(value) => setFilter(value as Filter)}
        data={[
          { value: 'all', label: `All (${view.value?.rows.length ?? 0})` },
          ...buckets.map((b) => ({ value: b, label: `${bucketWords[b]} (${view.value?.buckets[b].count ?? 0})` })),
        ]}
        data-testid="bucket-filter"
      />
      <Table striped data-testid="matching-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Bucket</Table.Th>
            <Table.Th>Statement row</Table.Th>
            <Table.Th>Amount</Table.Th>
            <Table.Th>Ledger row</Table.Th>
            <Table.Th>Differences and decisions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.statementRowId} data-testid={`match-${r.receipt}`} data-bucket={r.bucket}>
              <Table.Td>
                <Badge
                  color={
                    r.bucket === 'matched'
                      ? 'teal'
                      : r.bucket === 'statement_only'
                        ? 'orange'
                        : r.bucket === 'difference'
                          ? 'red'
                          : 'gray'
                  }
                >
                  {bucketWords[r.bucket]}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {r.receipt}
                </Text>
                <Text size="xs">
                  <When at={r.completedAt} /> · {r.details}
                </Text>
                <Text size="xs" c="dimmed">
                  {r.otherParty}
                  {r.linkedReceipt ? ` · linked to ${r.linkedReceipt}` : ''}
                </Text>
              </Table.Td>
              <Table.Td>
                <Money cents={r.paidInCents - r.withdrawnCents} />
              </Table.Td>
              <Table.Td>
                {r.ledger ? (
                  <LedgerCell row={r} />
                ) : (
                  <Text size="sm" c="dimmed">
                    —
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Decisions row={r} decide={decide} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {(view.value?.onlyInLedger.length ?? 0) > 0 && (
        <Stack gap={4} data-testid="only-in-ledger">
          <Text fw={600}>Only in the ledger ({formatNumber(view.value?.onlyInLedger.length ?? 0)})</Text>
          {view.value?.onlyInLedger.map((t) => (
            <Text key={t.id} size="sm">
              {t.receipt ?? `#${t.id}`} · <When at={t.occurredAt} /> · {t.kind} ·{' '}
              <Money cents={t.direction === 'in' ? t.amountCents : -t.amountCents} /> · {t.partyName ?? t.phone}
            </Text>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function LedgerCell({ row }: { row: ReconcileRowView }) {
  const ledger = row.ledger!;
  return (
    <>
      <Text size="sm" ff="monospace">
        {ledger.receipt} · #{ledger.id}
      </Text>
      <Text size="xs">
        <When at={ledger.occurredAt} /> · {ledger.status}
      </Text>
      <Text size="xs" c="dimmed">
        {ledger.partyName ?? ledger.phone} ·{' '}
        <Money cents={ledger.direction === 'in' ? ledger.amountCents : -ledger.amountCents} />
      </Text>
      {row.confirmedChargeCents !== null && (
        <Text size="xs">
          Charge confirmed: <Money cents={row.confirmedChargeCents} />
        </Text>
      )}
    </>
  );
}

function Decisions({
  row,
  decide,
}: {
  row: ReconcileRowView;
  decide: (input: Parameters<typeof call<'reconcile.decide'>>[1]) => Promise<void>;
}) {
  return (
    <Stack gap={4}>
      {row.differences.map((d) => (
        <Text key={d.field} size="xs" c="red">
          {d.field}: statement {d.statement}, ledger {d.ledger}
        </Text>
      ))}
      {row.settlement && (
        <Text size="xs">
          {row.settlement === 'added_to_ledger' ? 'Added to the ledger' : `Belongs elsewhere: ${row.note ?? ''}`}
        </Text>
      )}
      {row.bucket === 'statement_only' && !row.locked && row.settlement === null && (
        <Group gap="xs">
          <Button
            size="xs"
            variant="light"
            onClick={() =>
              void decide({
                rowId: row.statementRowId,
                how: 'add',
                kind: row.paidInCents > 0 ? 'c2b_payment' : 'b2c_payment',
              })
            }
            data-testid={`add-${row.receipt}`}
          >
            Add to the ledger
          </Button>
          <Button
            size="xs"
            variant="subtle"
            onClick={() => {
              const note = window.prompt('Where does this money belong?');
              if (note) void decide({ rowId: row.statementRowId, how: 'elsewhere', note });
            }}
          >
            Belongs elsewhere
          </Button>
        </Group>
      )}
      {row.proposals
        .filter((p) => p.state !== 'failed' && p.state !== 'rejected')
        .map((p) => (
          <Button
            key={p.attemptId}
            size="xs"
            color="teal"
            variant="light"
            disabled={row.locked}
            onClick={() => void decide({ rowId: row.statementRowId, how: 'confirm', attemptId: p.attemptId })}
          >
            This is {p.name}'s payment (run {p.runId}): settle it
          </Button>
        ))}
    </Stack>
  );
}
