// Refunds: every refund asked for, newest first, with its state as the engine moves it (the list is
// read again as payments settle). An approver approves one here, which sends it (after saying how
// much goes to whom, from which account), or declines it with a reason; the core refuses the admin
// who asked, whatever roles they hold, in its own words.
import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { RefundStateName, RefundView } from '../../shared/contract';
import { refundStates } from '../../shared/contract';
import { formatCount } from '../../shared/format';
import { formatKesWithCurrency } from '../../shared/money';
import { formatMsisdn } from '../../shared/phone';
import { confirmMoneyMove } from '../components/confirm-money';
import { Problem } from '../components/Problem';
import { When } from '../components/When';
import { showProblem } from '../components/notify';
import { holdsRole, useMe } from '../lib/me';
import { emptyWords, useContractMutation, useContractQuery } from '../lib/queries';
import { useApp } from '../stores/app';
import { useNavigation } from '../stores/navigation';
import { refundStateColours, refundStateLabels } from './refunds/refund-words';

export function Refunds() {
  const [state, setState] = useState<RefundStateName | null>(null);
  const [search, setSearch] = useState('');
  const list = useContractQuery('refunds.list', {
    ...(state === null ? {} : { state }),
    ...(search.trim() === '' ? {} : { search: search.trim() }),
  });
  const me = useMe();
  const approver = holdsRole(me.value, 'approver');
  const refunds = list.value?.refunds ?? [];
  const waiting = refunds.filter((r) => r.state === 'awaiting_approval').length;
  return (
    <Stack data-testid="refunds">
      <Group justify="space-between">
        <Title order={2}>Refunds</Title>
        <Text size="sm" c="dimmed">
          {list.value === undefined ? '' : formatCount(list.value.total, 'refund')}
          {waiting > 0 ? `, ${waiting} waiting for approval` : ''}
        </Text>
      </Group>
      <Text size="sm">
        Money going back to customers who paid in. The admin asks from the customer&apos;s payment in the Ledger; an
        approver other than the admin approves it here, and that approval sends it by M-Pesa.
      </Text>
      <Group>
        <Select
          aria-label="Show"
          placeholder="Every refund"
          clearable
          data={refundStates.map((value) => ({ value, label: refundStateLabels[value] }))}
          value={state}
          onChange={(value) => setState(value as RefundStateName | null)}
          w={220}
        />
        <TextInput
          aria-label="Search refunds"
          placeholder="Receipt, customer, number or reason"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={320}
        />
      </Group>
      <Problem error={list.error} title="The refunds could not be loaded" />
      {refunds.length === 0 ? (
        <Text c="dimmed" data-testid="refunds-empty">
          {emptyWords(list, state === null && search === '' ? 'No refunds yet.' : 'No refund matches.')}
        </Text>
      ) : (
        <Card withBorder p={0}>
          <Table striped aria-label="Refunds" data-testid="refunds-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Customer</Table.Th>
                <Table.Th>Refund</Table.Th>
                <Table.Th>Of their payment</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Asked</Table.Th>
                {approver && <Table.Th>Decision</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {refunds.map((refund) => (
                <RefundRow key={refund.id} refund={refund} approver={approver} />
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
    </Stack>
  );
}

function RefundRow({ refund, approver }: { refund: RefundView; approver: boolean }) {
  const openLedgerRow = useNavigation((s) => s.openLedgerRow);
  return (
    <Table.Tr data-testid={`refund-${refund.id}`}>
      <Table.Td>
        <Text size="sm">{refund.payerName}</Text>
        <Text size="xs" c="dimmed">
          {formatMsisdn(refund.phone)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" ff="monospace">
          {formatKesWithCurrency(refund.amountCents)}
        </Text>
        <Text size="xs" c="dimmed">
          #{refund.id}: {refund.reason}
        </Text>
      </Table.Td>
      <Table.Td>
        <Anchor component="button" type="button" size="sm" onClick={() => openLedgerRow(refund.original.transactionId)}>
          {refund.original.receipt ?? `#${refund.original.transactionId}`}
        </Anchor>
        <Text size="xs" c="dimmed">
          {formatKesWithCurrency(refund.original.amountCents)} paid <When at={refund.original.occurredAt} />
        </Text>
      </Table.Td>
      <Table.Td maw={320}>
        <Badge variant="light" miw="max-content" color={refundStateColours[refund.state]} data-testid="refund-state">
          {refundStateLabels[refund.state]}
        </Badge>
        <Text size="xs" data-testid="refund-status">
          {refund.state === 'paid' && refund.refundTransactionId !== null ? (
            <>
              Paid: receipt{' '}
              <Anchor
                component="button"
                type="button"
                size="xs"
                onClick={() => openLedgerRow(refund.refundTransactionId ?? undefined)}
              >
                {refund.refundReceipt}
              </Anchor>
            </>
          ) : (
            refund.status
          )}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{refund.askedByName}</Text>
        <Text size="xs" c="dimmed">
          <When at={refund.askedAt} />
        </Text>
      </Table.Td>
      {approver && (
        <Table.Td>
          <Decision refund={refund} />
        </Table.Td>
      )}
    </Table.Tr>
  );
}

function Decision({ refund }: { refund: RefundView }) {
  const profile = useApp((state) => state.info?.profile);
  const approve = useContractMutation('refunds.approve');
  const [declining, setDeclining] = useState(false);
  const again = refund.state === 'failed' && refund.failedOnWordOf.length > 0;
  if (refund.state !== 'awaiting_approval' && refund.state !== 'approved' && !again) return null;
  const to = `${refund.payerName} (${formatMsisdn(refund.phone)})`;

  async function approveIt() {
    const sure = await confirmMoneyMove(
      { kind: 'refund', amountCents: refund.amountCents, to },
      again
        ? {
            title: 'Send the refund again',
            confirmLabel: 'Send again',
            caution: `${refund.failedOnWordOf.join(', ')} recorded the last try as failed, not M-Pesa. Send again only if the M-Pesa statement shows it was not paid: if it was, the customer is paid twice.`,
          }
        : { title: 'Approve the refund', confirmLabel: 'Approve and send' },
      profile,
    );
    if (!sure) return;
    try {
      const outcome = await approve.mutateAsync({ refundId: refund.id });
      if (outcome.notSent !== null) showProblem('Approved, not sent', new Error(outcome.notSent));
      else
        notifications.show({
          message: outcome.sent
            ? `Refund #${refund.id} approved and sent to ${to}.`
            : `Refund #${refund.id} approved; it waits for ${outcome.refund.waitingFor ?? 'another approver'}.`,
        });
    } catch (error) {
      showProblem('Not approved', error);
    }
  }

  return (
    <Group gap={4} wrap="nowrap">
      <Button
        size="compact-xs"
        color="teal"
        loading={approve.isPending}
        onClick={() => void approveIt()}
        aria-label={`Approve refund #${refund.id} to ${refund.payerName}`}
        data-testid="refund-approve"
      >
        {refund.state === 'approved' || again ? 'Send again' : 'Approve'}
      </Button>
      {!again && (
        <Button
          size="compact-xs"
          variant="light"
          color="red"
          onClick={() => setDeclining(true)}
          aria-label={`Decline refund #${refund.id} to ${refund.payerName}`}
          data-testid="refund-decline"
        >
          Decline
        </Button>
      )}
      {declining && <DeclineForm refund={refund} onClose={() => setDeclining(false)} />}
    </Group>
  );
}

function DeclineForm({ refund, onClose }: { refund: RefundView; onClose(): void }) {
  const decline = useContractMutation('refunds.decline');
  const [reason, setReason] = useState('');
  async function submit() {
    try {
      await decline.mutateAsync({ refundId: refund.id, reason: reason.trim() });
      notifications.show({ message: `Refund #${refund.id} declined; nothing was paid.` });
      onClose();
    } catch {
      // Shown in the form.
    }
  }
  return (
    <Modal opened onClose={onClose} title={`Decline refund #${refund.id}`} centered>
      <Stack data-testid="refund-decline-form">
        <Text size="sm">
          {formatKesWithCurrency(refund.amountCents)} to {refund.payerName} will not be paid, and the amount can be
          asked for again. {refund.askedByName} sees your reason.
        </Text>
        <Textarea
          label="Why"
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}

          rows={2}
          data-testid="refund-decline-reason"
        />
        <Problem error={decline.error} title="Not declined" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep it
          </Button>
          <Button
            color="red"
            loading={decline.isPending}
            onClick={() => void submit()}
            data-testid="refund-decline-submit"
          >
            Decline
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
