// Look up a receipt: anyone signed in asks M-Pesa about any receipt and reads the answer in words —
// completed or not, how much, who paid whom, when, why, the charges — beside the ledger's row. Money
// the business received that the ledger lacks can be recorded from M-Pesa's own answer, by the
// accountant or the admin. An answer still on its way is kept, and shown here when it comes.
import { Alert, Badge, Button, Card, Group, List, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import type { ReceiptLookup } from '../../shared/contract';
import { formatDateTime, formatMoney } from '../../shared/format';
import { call } from '../api';
import { showProblem } from '../components/notify';
import { useContractMutation, useContractQuery } from '../lib/queries';
import { useNavigation } from '../stores/navigation';
import { useMayCall } from '../stores/session';

const receiptPattern = /^[A-Za-z0-9]{8,12}$/;

const stateColour: Record<ReceiptLookup['state'], string> = {
  answered: 'teal',
  no_such_receipt: 'yellow',
  waiting: 'blue',
  timed_out: 'yellow',
  refused: 'red',
};

const ledgerKinds: Record<string, string> = {
  b2c_payment: 'Payment out',
  c2b_payment: 'Money received',
  stk_payment: 'Money received (payment request)',
  reversal: 'Reversal',
  refund: 'Refund',
};

function alertColour(lookup: ReceiptLookup): string {
  if (lookup.state !== 'answered') return stateColour[lookup.state];
  return lookup.completed ? 'teal' : 'orange';
}

function alertTitle(lookup: ReceiptLookup): string {
  switch (lookup.state) {
    case 'answered':
      return lookup.completed ? 'M-Pesa says it completed' : 'M-Pesa says it did not complete';
    case 'no_such_receipt':
      return 'M-Pesa has nothing to show for this receipt';
    case 'waiting':
      return 'Waiting for M-Pesa’s answer';
    case 'timed_out':
      return 'M-Pesa did not answer in time';
    case 'refused':
      return 'M-Pesa refused the question';
    default: {
      const unknown: never = lookup.state;
      return String(unknown);
    }
  }
}

function Details({ lookup }: { lookup: ReceiptLookup }) {
  const openLedgerRow = useNavigation((state) => state.openLedgerRow);
  const rows: Array<[string, React.ReactNode]> = [
    [
      'Completed',
      lookup.completed === null ? '—' : lookup.completed ? 'Yes' : `No (${lookup.transactionStatus ?? 'no status'})`,
    ],
    ['Amount', lookup.amountCents === null ? '—' : formatMoney(lookup.amountCents)],
    ['Paid by', lookup.debitParty ?? '—'],
    ['Paid to', lookup.creditParty ?? '—'],
    ['When', lookup.finalisedAt === null ? '—' : formatDateTime(lookup.finalisedAt)],
    ['Reason', lookup.reasonType ?? '—'],
    ['Charges', lookup.chargesCents === null ? '—' : formatMoney(lookup.chargesCents)],
    [
      'In the ledger',
      lookup.ledger === null ? (
        'No'
      ) : (
        <Button
          variant="subtle"
          size="compact-sm"
          onClick={() => openLedgerRow(lookup.ledger?.transactionId)}
          data-testid="lookup-ledger-row"
        >
          Yes: {ledgerKinds[lookup.ledger.kind] ?? lookup.ledger.kind}, {formatMoney(lookup.ledger.amountCents)} (row #
          {lookup.ledger.transactionId})
        </Button>
      ),
    ],
  ];
  return (
    <Table withRowBorders={false} verticalSpacing={4} data-testid="lookup-details">
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w={160} fw={500} c="dimmed">
              {label}
            </Table.Th>
            <Table.Td>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Answer({ lookupId }: { lookupId: number }) {
  const loaded = useContractQuery('lookup.answer', { lookupId });
  const record = useContractMutation('lookup.record');
  const mayRecord = useMayCall('lookup.record');
  const lookup = loaded.value;
  const waiting = lookup?.state === 'waiting';
  const { reload } = loaded;
  // While M-Pesa's answer is on its way, ask for it every few seconds (the inbox event asks too).
  useEffect(() => {
    if (!waiting) return undefined;
    const timer = window.setInterval(() => void reload(), 3000);
    return () => window.clearInterval(timer);
  }, [waiting, reload]);
  if (lookup === undefined) return null;

  async function recordIt() {
    try {
      const answer = await record.mutateAsync({ lookupId });
      notifications.show({ message: `Recorded as money received: ledger row #${answer.transactionId}.` });
      await reload();
    } catch (error) {
      showProblem('Not recorded', error);
    }
  }

  return (
    <Card withBorder p="md" data-testid="lookup-answer" data-state={lookup.state} data-lookup-id={lookup.lookupId}>
      <Stack gap="sm">
        <Alert color={alertColour(lookup)} variant="light" title={alertTitle(lookup)} data-testid="lookup-headline">
          {lookup.headline}
        </Alert>
        {lookup.state === 'answered' && <Details lookup={lookup} />}
        {lookup.notes.length > 0 && (
          <List size="sm" spacing={4} data-testid="lookup-notes">
            {lookup.notes.map((note) => (
              <List.Item key={note}>{note}</List.Item>
            ))}
          </List>
        )}
        <Group>
          {lookup.recordable && mayRecord && (
            <Button onClick={() => void recordIt()} loading={record.isPending} data-testid="lookup-record">
              Record as money received
            </Button>
          )}
          {lookup.recordable && !mayRecord && (
            <Text size="sm" c="dimmed">
              An accountant or the admin can record it as money received.
            </Text>
          )}
          {waiting && (
            <Button
              variant="light"
              onClick={() => void reload()}
              loading={loaded.loading}
              data-testid="lookup-ask-again"
            >
              Look for the answer now
            </Button>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          Receipt {lookup.receipt} · lookup #{lookup.lookupId} · asked by {lookup.askedBy}{' '}
          {formatDateTime(lookup.askedAt)}
          {lookup.resultCode !== null && ` · M-Pesa code ${lookup.resultCode}`}
        </Text>
      </Stack>
    </Card>
  );
}

export function Lookup() {
  const [receipt, setReceipt] = useState('');
  const [reason, setReason] = useState<string | undefined>(undefined);
  const [lookupId, setLookupId] = useState<number | null>(null);
  const [asking, setAsking] = useState(false);

  async function ask() {
    const typed = receipt.trim();
    if (!receiptPattern.test(typed)) {
      setReason('An M-Pesa receipt is 10 letters and digits, like QKL1ABC2DE');
      return;
    }
    setReason(undefined);
    setAsking(true);
    try {
      const answer = await call('lookup.receipt', { receipt: typed });
      setLookupId(answer.lookupId);
    } catch (error) {
      showProblem('M-Pesa was not asked', error);
    } finally {
      setAsking(false);
    }
  }

  return (
    <Stack data-testid="lookup">
      <Title order={2}>Look up a receipt</Title>
      <Text c="dimmed" size="sm">
        Ask M-Pesa about any receipt: whether it completed, how much, who paid whom and when. It moves no money. Money
        the business received that the ledger lacks can be recorded from M-Pesa’s answer.
      </Text>
      <Card withBorder p="md">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void ask();
          }}
        >
          <Group align="flex-end">
            <TextInput
              label="M-Pesa receipt"
              placeholder="QKL1ABC2DE"
              value={receipt}
              onChange={(event) => setReceipt(event.currentTarget.value)}
              error={reason}
              w={260}
              autoComplete="off"
              data-testid="lookup-receipt"
            />
            <Button type="submit" loading={asking} data-testid="lookup-ask">
              Look up
            </Button>
            {asking && (
              <Badge variant="light" color="blue">
                Asking M-Pesa…
              </Badge>
            )}
          </Group>
        </form>
      </Card>
      {lookupId !== null && <Answer lookupId={lookupId} />}
    </Stack>
  );
}
