// Reversals: every payment an admin asked to send back, what it waits for and what M-Pesa said, in
// words. An approver other than the asker approves (the approval that meets the policy sends it),
// declines with a reason, or settles one M-Pesa's evidence could not. Read again whenever a
// callback or a ledger row arrives, so it stays live.
import { Badge, Button, Group, Modal, SegmentedControl, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import type { ReversalView } from '../../shared/contract';
import { formatMoney } from '../../shared/format';
import { formatMsisdn } from '../../shared/phone';
import { Money } from '../components/Money';
import { showProblem } from '../components/notify';
import { Problem } from '../components/Problem';
import { When } from '../components/When';
import { emptyWords, useContractMutation, useContractQuery } from '../lib/queries';
import { useNavigation } from '../stores/navigation';

type Show = 'open' | 'attention' | 'all';

const stateBadges: Record<ReversalView['state'], { word: string; colour: string }> = {
  draft: { word: 'Waiting for approval', colour: 'yellow' },
  approved: { word: 'Being sent', colour: 'blue' },
  sending: { word: 'Being sent', colour: 'blue' },
  accepted: { word: 'Sent', colour: 'blue' },
  unknown: { word: 'Not known yet', colour: 'orange' },
  succeeded: { word: 'Reversed', colour: 'teal' },
  failed: { word: 'Not reversed', colour: 'red' },
  rejected: { word: 'Not reversed', colour: 'gray' },
};

/** A question asked in the row before money moves: yes does it, not now puts it away. */
function Confirm({
  question,
  confirm,
  busy,
  onYes,
  onNo,
}: {
  question: string;
  confirm: string;
  busy: boolean;
  onYes(): void;
  onNo(): void;
}) {
  return (
    <Stack gap="xs" mt="xs" data-testid="reversal-confirm">
      <Text size="sm" fw={600} data-testid="reversal-confirm-question">
        {question}
      </Text>
      <Group gap="xs">
        <Button size="compact-sm" color="red" loading={busy} onClick={onYes} data-testid="reversal-confirm-yes">
          {confirm}
        </Button>
        <Button size="compact-sm" variant="default" onClick={onNo}>
          Not now
        </Button>
      </Group>
    </Stack>
  );
}

function ReasonDialog({
  title,
  label,
  confirm,
  onSubmit,
  onClose,
}: {
  title: string;
  label: string;
  confirm: string;
  onSubmit(reason: string): Promise<void>;
  onClose(): void;
}) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <Modal opened onClose={onClose} title={title}>
      <Stack>
        <Textarea
          label={label}
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          maxLength={200}
          rows={3}
          data-testid="reversal-reason"
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            loading={busy}
            disabled={reason.trim() === ''}
            data-testid="reversal-reason-confirm"
            onClick={() => {
              setBusy(true);
              void onSubmit(reason).finally(() => setBusy(false));
            }}
          >
            {confirm}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ReversalRow({ reversal }: { reversal: ReversalView }) {
  const approve = useContractMutation('reversals.approve');
  const decline = useContractMutation('reversals.decline');
  const resolve = useContractMutation('reversals.resolve');
  const openLedgerRow = useNavigation((state) => state.openLedgerRow);
  const [dialog, setDialog] = useState<'decline' | 'not_reversed' | null>(null);
  const badge = stateBadges[reversal.state];
  const who = reversal.partyName ?? (reversal.phone === null ? 'the customer' : formatMsisdn(reversal.phone));
  const [confirming, setConfirming] = useState<'approve' | 'send_again' | null>(null);
  const onApprove = async () => {
    try {
      await approve.mutateAsync({ id: reversal.id });
      setConfirming(null);
    } catch (error) {
      showProblem('The reversal was not approved', error);
    }
  };
  const onSendAgain = async () => {
    try {
      await resolve.mutateAsync({ id: reversal.id, resolution: { kind: 'send_again' } });
      setConfirming(null);
    } catch (error) {
      showProblem('The reversal was not sent again', error);
    }
  };
  return (
    <Table.Tr data-testid="reversal-row" data-reversal={reversal.id} data-state={reversal.state}>
      <Table.Td>
        <Text size="sm">#{reversal.id}</Text>
        <Text size="xs" c="dimmed">
          <When at={reversal.requestedAt} />
        </Text>
      </Table.Td>
      <Table.Td>
        <Button variant="subtle" size="compact-sm" onClick={() => openLedgerRow(reversal.transactionId)}>
          {reversal.originalReceipt}
        </Button>
        <Text size="sm">{who}</Text>
      </Table.Td>
      <Table.Td>
        <Money cents={reversal.amountCents} />
      </Table.Td>
      <Table.Td>
        <Text size="sm">{reversal.requestedByName}</Text>
        <Text size="xs" c="dimmed">
          “{reversal.reason}”
        </Text>
      </Table.Td>
      <Table.Td>
        <Badge color={badge.colour} variant="light">
          {badge.word}
        </Badge>
        <Text size="sm" data-testid="reversal-words">
          {reversal.stateWords}
        </Text>
        {reversal.needsAttention && reversal.state === 'succeeded' && reversal.attentionReason !== null && (
          <Text size="sm" c="orange.8">
            {reversal.attentionReason}
          </Text>
        )}
        {reversal.approvals.length > 0 && (
          <Text size="xs" c="dimmed">
            Approved by {reversal.approvals.map((a) => a.name).join(', ')}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap="xs">
          {reversal.canApprove && (
            <Button
              size="compact-sm"
              color="red"
              loading={approve.isPending}
              onClick={() => setConfirming('approve')}
              data-testid="reversal-approve"
            >
              Approve
            </Button>
          )}
          {reversal.canDecline && (
            <Button
              size="compact-sm"
              variant="default"
              onClick={() => setDialog('decline')}
              data-testid="reversal-decline"
            >
              Decline…
            </Button>
          )}
          {reversal.canResolve && (
            <>
              <Button
                size="compact-sm"
                loading={resolve.isPending}
                onClick={() => setConfirming('send_again')}
                data-testid="reversal-send-again"
              >
                Send again
              </Button>
              <Button size="compact-sm" variant="default" onClick={() => setDialog('not_reversed')}>
                Not reversed…
              </Button>
            </>
          )}
        </Group>
        {confirming === 'approve' && (
          <Confirm
            question={`Send ${formatMoney(reversal.amountCents)} back to ${who} (payment ${reversal.originalReceipt})?`}
            confirm="Yes, approve"
            busy={approve.isPending}
            onYes={() => void onApprove()}
            onNo={() => setConfirming(null)}
          />
        )}
        {confirming === 'send_again' && (
          <Confirm
            question={`Ask M-Pesa again to send ${formatMoney(reversal.amountCents)} back to ${who}? If the first request went through, M-Pesa answers that it was already reversed, and it is counted once.`}
            confirm="Yes, send again"
            busy={resolve.isPending}
            onYes={() => void onSendAgain()}
            onNo={() => setConfirming(null)}
          />
        )}
        {dialog === 'decline' && (
          <ReasonDialog
            title={`Decline reversal #${reversal.id}`}
            label="Why do you decline it?"
            confirm="Decline"
            onClose={() => setDialog(null)}
            onSubmit={async (reason) => {
              try {
                await decline.mutateAsync({ id: reversal.id, reason });
                setDialog(null);
              } catch (error) {
                showProblem('The reversal was not declined', error);
              }
            }}
          />
        )}
        {dialog === 'not_reversed' && (
          <ReasonDialog
            title={`Record reversal #${reversal.id} as not reversed`}
            label="How do you know it was not reversed? (Mshahara asks M-Pesa once more first.)"
            confirm="Record as not reversed"
            onClose={() => setDialog(null)}
            onSubmit={async (reason) => {
              try {
                await resolve.mutateAsync({ id: reversal.id, resolution: { kind: 'not_reversed', reason } });
                setDialog(null);
              } catch (error) {
                showProblem('The reversal was not settled', error);
              }
            }}
          />
        )}
      </Table.Td>
    </Table.Tr>
  );
}

export function Reversals() {
  const [show, setShow] = useState<Show>('all');
  const list = useContractQuery('reversals.list', { show });
  const value = list.value;
  return (
    <Stack data-testid="reversals">
      <Title order={2}>Reversals</Title>
      <Text size="sm" c="dimmed">
        Customers’ payments an admin asked to send back. An approver other than the person who asked approves each one,
        and M-Pesa sends the whole payment back.
      </Text>
      <Group>
        <SegmentedControl
          value={show}
          onChange={(next) => setShow(next as Show)}
          data={[
            { value: 'all', label: 'All' },
            { value: 'open', label: `Open${value ? ` (${value.waiting} waiting)` : ''}` },
            { value: 'attention', label: `Needs a person${value ? ` (${value.attention})` : ''}` },
          ]}
        />
      </Group>
      <Problem error={list.error} />
      {value && value.reversals.length === 0 ? (
        <Text c="dimmed">{emptyWords(list, 'No reversals here.')}</Text>
      ) : (
        <Table verticalSpacing="sm" data-testid="reversals-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Reversal</Table.Th>
              <Table.Th>Payment</Table.Th>
              <Table.Th>Amount</Table.Th>
              <Table.Th>Asked by</Table.Th>
              <Table.Th>What happened</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {value?.reversals.map((reversal) => (
              <ReversalRow key={reversal.id} reversal={reversal} />
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
