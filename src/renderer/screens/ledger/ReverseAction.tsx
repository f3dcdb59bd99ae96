// Reversing a customer's payment from its ledger row: "Reversed by <receipt>" on an original that
// was reversed, the reversal open and what it waits for, the M-Pesa Org portal's route for a
// payment to a customer, and for the admin a "Reverse…" button that asks, with a reason, for the
// whole amount to go back. The core refuses what the rules do not allow; this only shows it.
import { Alert, Button, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import type { MethodOutput } from '../../../shared/contract';
import { Money } from '../../components/Money';
import { showProblem } from '../../components/notify';
import { Problem } from '../../components/Problem';
import { holdsRole, useMe } from '../../lib/me';
import { useContractMutation, useContractQuery } from '../../lib/queries';
import { useNavigation } from '../../stores/navigation';

type ForTransaction = MethodOutput<'reversals.forTransaction'>;

const viaWords = {
  api: 'Reversed by',
  portal: 'Reversed on the M-Pesa portal by',
  already_reversed: 'Reversed',
} as const;

function ReversedBy({ reversedBy }: { reversedBy: NonNullable<ForTransaction['reversedBy']> }) {
  const openLedgerRow = useNavigation((state) => state.openLedgerRow);
  return (
    <Alert color="gray" title="This payment was reversed" data-testid="reversed-by">
      {viaWords[reversedBy.via]}{' '}
      {reversedBy.receipt !== null && reversedBy.transactionId !== null ? (
        <Button variant="subtle" size="compact-sm" onClick={() => openLedgerRow(reversedBy.transactionId ?? undefined)}>
          {reversedBy.receipt}
        </Button>
      ) : (
        'M-Pesa: its receipt will be recorded when the statement shows it.'
      )}
    </Alert>
  );
}

function Reverses({ reverses }: { reverses: NonNullable<ForTransaction['reverses']> }) {
  const openLedgerRow = useNavigation((state) => state.openLedgerRow);
  return (
    <Alert color="gray" title="A reversal" data-testid="reverses">
      This sent back payment{' '}
      <Button variant="subtle" size="compact-sm" onClick={() => openLedgerRow(reverses.transactionId)}>
        {reverses.receipt ?? `#${reverses.transactionId}`}
      </Button>
    </Alert>
  );
}

/** The "Reverse…" action and what is known about reversing one ledger row. */
export function ReverseAction({ transactionId, amountCents }: { transactionId: number; amountCents: number }) {
  const state = useContractQuery('reversals.forTransaction', { transactionId });
  const me = useMe();
  const request = useContractMutation('reversals.request');
  const go = useNavigation((s) => s.go);
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const value = state.value;
  if (state.error) return <Problem error={state.error} />;
  if (value === undefined) return null;
  if (value.reversedBy !== null) return <ReversedBy reversedBy={value.reversedBy} />;
  if (value.reverses !== null) return <Reverses reverses={value.reverses} />;
  const open = value.reversal !== null && !['failed', 'rejected', 'succeeded'].includes(value.reversal.state);
  if (open && value.reversal !== null)
    return (
      <Alert
        color="blue"
        title={`A reversal was asked for (reversal #${value.reversal.id})`}
        data-testid="reversal-open"
      >
        <Stack gap={4}>
          <Text size="sm">{value.reversal.stateWords}</Text>
          <Text size="sm" c="dimmed">
            Asked by {value.reversal.requestedByName}: “{value.reversal.reason}”
          </Text>
          <Group>
            <Button size="compact-sm" variant="light" onClick={() => go('reversals')}>
              Open reversals
            </Button>
          </Group>
        </Stack>
      </Alert>
    );
  if (value.refusal?.code === 'reverse_on_portal')
    return (
      <Alert color="gray" title="Reversing a payment to a customer" data-testid="reverse-on-portal">
        {value.refusal.message}
      </Alert>
    );
  if (value.refusal !== null) return null;
  if (!holdsRole(me.value, 'admin')) return null;
  const last = value.reversal;
  const submit = async () => {
    try {
      await request.mutateAsync({ transactionId, reason });
      setAsking(false);
      setReason('');
    } catch (error) {
      showProblem('The reversal was not asked for', error);
    }
  };
  return (
    <>
      {last !== null && (
        <Text size="sm" c="dimmed" data-testid="last-reversal">
          An earlier reversal (#{last.id}) ended: {last.stateWords}
        </Text>
      )}
      {!asking ? (
        <Group>
          <Button variant="outline" color="red" onClick={() => setAsking(true)} data-testid="reverse-button">
            Reverse…
          </Button>
        </Group>
      ) : (
        <Paper withBorder p="md" data-testid="reverse-form">
          <Stack>
            <Title order={3} size="h5">
              Reverse this payment
            </Title>
            <Text size="sm">
              M-Pesa sends the whole <Money cents={amountCents} /> back to the customer once an approver other than you
              approves. To give back only part of it, refund it instead.
            </Text>
            <Textarea
              label="Why is it reversed?"
              value={reason}
              onChange={(event) => setReason(event.currentTarget.value)}
              maxLength={200}
              rows={3}
              data-testid="reverse-reason"
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setAsking(false)}>
                Cancel
              </Button>
              <Button
                color="red"
                onClick={() => void submit()}
                loading={request.isPending}
                disabled={reason.trim() === ''}
                data-testid="reverse-confirm"
              >
                Ask for the reversal
              </Button>
            </Group>
          </Stack>
        </Paper>
      )}
    </>
  );
}
