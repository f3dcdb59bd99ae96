// Refunds on a ledger row: for money a customer paid in, how much has gone back and which refunds
// were asked, and for the admin a "Refund…" form (amount, reason, and the customer's number when
// M-Pesa showed it masked or coded); for a refund Mshahara paid, the payment it returned. The core
// checks every limit again; the form only spares a round trip.
import { Anchor, Badge, Button, Group, Modal, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { LedgerRefunds } from '../../../shared/contract';
import { formatKesWithCurrency, shillingsText } from '../../../shared/money';
import { formatMsisdn } from '../../../shared/phone';
import { fieldError, formProblem, type LocalErrors } from '../../components/field-errors';
import { MoneyInput, readShillings } from '../../components/MoneyInput';
import { Problem } from '../../components/Problem';
import { holdsRole, useMe } from '../../lib/me';
import { useContractMutation, useContractQuery } from '../../lib/queries';
import { useNavigation } from '../../stores/navigation';
import { refundStateColours, refundStateLabels } from '../refunds/refund-words';

export function RefundAction({ transactionId }: { transactionId: number }) {
  const refunds = useContractQuery('refunds.forTransaction', { transactionId });
  const me = useMe();
  const openLedgerRow = useNavigation((state) => state.openLedgerRow);
  const [asking, setAsking] = useState(false);
  const value = refunds.value;
  // The officer reads the ledger but not refunds: nothing to show them here.
  if (value === undefined) return null;
  const isAdmin = holdsRole(me.value, 'admin');
  return (
    <Stack gap={6} data-testid="ledger-refunds">
      {value.refundOf && (
        <Text size="sm" data-testid="refund-of">
          Refund of{' '}
          <Anchor component="button" type="button" onClick={() => openLedgerRow(value.refundOf?.transactionId)}>
            {value.refundOf.receipt ?? `transaction #${value.refundOf.transactionId}`}
          </Anchor>{' '}
          <Text span size="xs" c="dimmed">
            (refund #{value.refundOf.refundId})
          </Text>
        </Text>
      )}
      {value.refundable && <Refunded refunds={value} />}
      {value.refundable && isAdmin && (
        <Group>
          <Button
            variant="light"
            color="orange"
            onClick={() => setAsking(true)}
            disabled={value.refundable.refusal !== null || value.refundable.leftCents === 0}
            data-testid="refund-open"
          >
            Refund…
          </Button>
          {value.refundable.refusal !== null && (
            <Text size="sm" c="dimmed" data-testid="refund-refusal">
              {value.refundable.refusal}
            </Text>
          )}
        </Group>
      )}
      {asking && value.refundable && (
        <RefundForm transactionId={transactionId} refundable={value.refundable} onClose={() => setAsking(false)} />
      )}
    </Stack>
  );
}

function Refunded({ refunds }: { refunds: LedgerRefunds }) {
  const r = refunds.refundable;
  if (r === null || refunds.refunds.length === 0) return null;
  const paid = refunds.refunds.filter((x) => x.state === 'paid');
  return (
    <Stack gap={4}>
      <Text size="sm" data-testid="refunded-summary">
        {summaryWords(
          r,
          paid.map((x) => x.refundReceipt ?? '…'),
        )}
      </Text>
      {refunds.refunds.map((refund) => (
        <Group key={refund.id} gap="xs" wrap="nowrap">
          <Badge size="sm" variant="light" miw="max-content" color={refundStateColours[refund.state]}>
            {refundStateLabels[refund.state]}
          </Badge>
          <Text size="sm">
            {formatKesWithCurrency(refund.amountCents)} to {formatMsisdn(refund.phone)}: {refund.reason}
          </Text>
          <Text size="xs" c="dimmed">
            refund #{refund.id}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}

/** "Refunded KES 1,000.00 of KES 2,500.00: receipts QKR…", with what is still on its way. */
function summaryWords(r: NonNullable<LedgerRefunds['refundable']>, receipts: readonly string[]): string {
  const waiting = r.heldCents - r.paidCents;
  const of = formatKesWithCurrency(r.originalCents);
  const paid =
    r.paidCents === 0
      ? `Nothing refunded yet of ${of}`
      : `Refunded ${formatKesWithCurrency(r.paidCents)} of ${of}: receipts ${receipts.join(', ')}`;
  if (waiting <= 0) return `${paid}.`;
  return `${paid}; ${formatKesWithCurrency(waiting)} ${r.paidCents === 0 ? '' : 'more '}asked for, not paid yet.`;
}

function RefundForm({
  transactionId,
  refundable,
  onClose,
}: {
  transactionId: number;
  refundable: NonNullable<LedgerRefunds['refundable']>;
  onClose(): void;
}) {
  const ask = useContractMutation('refunds.request');
  const [amount, setAmount] = useState(shillingsText(refundable.leftCents));
  const [reason, setReason] = useState('');
  const [phone, setPhone] = useState('');
  const [local, setLocal] = useState<LocalErrors>({});
  const needsNumber = refundable.payer.kind === 'masked' || refundable.payer.kind === 'hashed';

  async function submit() {
    const read = readShillings(amount, { optional: false });
    const errors: LocalErrors = {};
    if ('reason' in read) errors.amountCents = read.reason;
    else if (read.cents !== null && read.cents > refundable.leftCents)
      errors.amountCents = `At most ${formatKesWithCurrency(refundable.leftCents)} is left to refund.`;
    if (reason.trim().length < 3) errors.reason = 'Say why the money goes back; the approver reads it.';
    if (needsNumber && phone.trim() === '') errors.phone = "Type the customer's full number.";
    setLocal(errors);
    if (Object.keys(errors).length > 0 || 'reason' in read || read.cents === null) return;
    try {
      const refund = await ask.mutateAsync({
        transactionId,
        amountCents: read.cents,
        reason: reason.trim(),
        ...(needsNumber ? { phone: phone.trim() } : {}),
      });
      notifications.show({
        message: `Refund #${refund.id} of ${formatKesWithCurrency(refund.amountCents)} asked for. ${refund.status}.`,
      });
      onClose();
    } catch {
      // Shown below the form and beside its fields.
    }
  }

  const error = ask.error;
  return (
    <Modal opened onClose={onClose} title="Refund the customer" centered>
      <Stack data-testid="refund-form">
        <Text size="sm">
          The money goes back by M-Pesa to the number that paid. Up to {formatKesWithCurrency(refundable.leftCents)} of{' '}
          {formatKesWithCurrency(refundable.originalCents)} is left to refund. An approver other than you approves it,
          and their approval sends it.
        </Text>
        <MoneyInput
          label="Amount to refund"
          value={amount}
          onChange={setAmount}
          error={fieldError(error, 'amountCents', local)}
          data-testid="refund-amount"
        />
        <Textarea
          label="Reason"
          description="For the approver and the audit log"
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          error={fieldError(error, 'reason', local)}

          rows={2}
          data-testid="refund-reason"
        />
        {needsNumber && (
          <TextInput
            label="Customer's M-Pesa number"
            description={
              refundable.payer.kind === 'masked'
                ? `M-Pesa showed it as ${refundable.payer.shown ?? ''}: the number you type must fit it.`
                : 'M-Pesa showed it only in coded form: the number you type is checked against it.'
            }
            placeholder="07XX XXX XXX"
            value={phone}
            onChange={(event) => setPhone(event.currentTarget.value)}
            error={fieldError(error, 'phone', local)}
            data-testid="refund-phone"
          />
        )}
        <Problem error={formProblem(error, ['amountCents', 'reason', 'phone'])} title="Not asked" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="orange" loading={ask.isPending} onClick={() => void submit()} data-testid="refund-submit">
            Ask for approval
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
