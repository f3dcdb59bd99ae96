// "Request a payment": the admin asks a customer to pay by M-Pesa Express (phone, amount, account
// reference) and watches the answer live: waiting for the PIN, paid with the receipt, or the
// customer's answer in words. The status is read again on each collections.changed event.
import { Alert, Badge, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { CollectionRequestView } from '../../../shared/contract';
import { formatMsisdn, type Msisdn } from '../../../shared/phone';
import { fieldError, formProblem, type LocalErrors } from '../../components/field-errors';
import { Money } from '../../components/Money';
import { MoneyInput, readShillings } from '../../components/MoneyInput';
import { Problem } from '../../components/Problem';
import { useContractMutation, useContractQuery } from '../../lib/queries';

const fields = ['phone', 'amountCents', 'accountReference'] as const;

/** A request's state as a badge colour: green paid, red not paid, orange waits for someone. */
export function statusColour(request: CollectionRequestView): string {
  switch (request.state) {
    case 'paid':
    case 'paid_no_receipt':
      return 'teal';
    case 'declined':
    case 'refused':
      return 'red';
    case 'unknown':
    case 'needs_person':
      return 'orange';
    case 'asked':
    case 'sent':
      return 'blue';
    default: {
      const never: never = request.state;
      throw new Error(`unhandled state ${String(never)}`);
    }
  }
}

/** One word for the badge beside the live status. */
function outcomeWord(request: CollectionRequestView): string {
  switch (statusColour(request)) {
    case 'teal':
      return 'Paid';
    case 'red':
      return 'Not paid';
    case 'orange':
      return 'Needs you';
    default:
      return 'Waiting';
  }
}

export function RequestPayment() {
  const [phone, setPhone] = useState('');
  const [amount, setAmount] = useState('');
  const [reference, setReference] = useState('');
  const [local, setLocal] = useState<LocalErrors>({});
  const [lastId, setLastId] = useState<number | undefined>(undefined);
  const ask = useContractMutation('collections.request');
  const live = useContractQuery('collections.detail', { id: lastId ?? 1 }, { enabled: lastId !== undefined });
  const current = lastId === undefined ? undefined : live.value;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const read = readShillings(amount, { optional: false });
    const own: LocalErrors = {};
    if ('reason' in read) own.amountCents = read.reason;
    if (phone.trim() === '') own.phone = 'Give the customer’s M-Pesa number';
    setLocal(own);
    if (Object.keys(own).length > 0 || !('cents' in read) || read.cents === null) return;
    try {
      const request = await ask.mutateAsync({ phone, amountCents: read.cents, accountReference: reference });
      setLastId(request.id);
      // A filled form invites a second send by mistake: the next request starts empty.
      setPhone('');
      setAmount('');
      setReference('');
    } catch {
      // Shown beside the fields and below the form.
    }
  }

  return (
    <Card withBorder data-testid="request-payment">
      <Title order={3} size="h4" mb="xs">
        Request a payment
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        The customer gets a prompt on their phone to enter their M-Pesa PIN, showing the account reference (at most 12
        characters). It is sent once.
      </Text>
      <form onSubmit={(event) => void submit(event)}>
        <Group align="flex-start" grow>
          <TextInput
            label="Customer’s M-Pesa number"
            placeholder="0712 345 678"
            value={phone}
            onChange={(event) => setPhone(event.currentTarget.value)}
            error={fieldError(ask.error, 'phone', local)}
          />
          <MoneyInput
            label="Amount"
            placeholder="1,500"
            value={amount}
            onChange={setAmount}
            error={fieldError(ask.error, 'amountCents', local)}
          />
          <TextInput
            label="Account reference"
            placeholder="INV-2231"
            maxLength={12}
            value={reference}
            onChange={(event) => setReference(event.currentTarget.value)}
            error={fieldError(ask.error, 'accountReference', local)}
          />
        </Group>
        <Group mt="sm">
          <Button type="submit" loading={ask.isPending}>
            Send the prompt
          </Button>
        </Group>
      </form>
      <Problem error={formProblem(ask.error, fields)} title="Not sent" />
      {current && (
        <Alert mt="sm" color={statusColour(current)} variant="light" data-testid="live-status">
          <Stack gap={4}>
            <Group gap="xs">
              <Badge color={statusColour(current)} variant="filled">
                {outcomeWord(current)}
              </Badge>
              <Text fw={600} data-testid="live-status-words">
                {current.status}
              </Text>
            </Group>
            <Text size="sm">
              <Money cents={current.amountCents} /> from {formatMsisdn(current.phone as Msisdn)}, reference{' '}
              {current.accountReference}
            </Text>
            {current.note && <Text size="sm">{current.note}</Text>}
            {current.checkoutRequestId && (
              <Text size="xs" c="dimmed">
                M-Pesa’s request number {current.checkoutRequestId}
              </Text>
            )}
          </Stack>
        </Alert>
      )}
    </Card>
  );
}
