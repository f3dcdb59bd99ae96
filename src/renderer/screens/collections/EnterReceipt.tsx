// "Enter the receipt" for a payment request M-Pesa said was paid without naming the receipt, or
// whose answer never came: the person types the receipt from the customer's SMS or the statement,
// and Mshahara records it only once M-Pesa confirms it (collections.recordReceipt).
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { CollectionRequestView } from '../../../shared/contract';
import { formatMsisdn, type Msisdn } from '../../../shared/phone';
import { fieldError, formProblem } from '../../components/field-errors';
import { Money } from '../../components/Money';
import { Problem } from '../../components/Problem';
import { useContractMutation } from '../../lib/queries';

export function EnterReceipt({ request, onClose }: { request: CollectionRequestView; onClose(): void }) {
  const [receipt, setReceipt] = useState('');
  const record = useContractMutation('collections.recordReceipt');
  async function submit() {
    try {
      const recorded = await record.mutateAsync({ id: request.id, receipt });
      notifications.show({ color: 'teal', message: `Recorded: ${recorded.status}` });
      onClose();
    } catch {
      // Shown beside the field and below it.
    }
  }
  return (
    <Modal opened onClose={onClose} title="Enter the receipt">
      <Stack>
        <Text size="sm">
          The receipt of <Money cents={request.amountCents} /> from {formatMsisdn(request.phone as Msisdn)} (
          {request.accountReference}), from the customer’s M-Pesa message or the statement. Mshahara asks M-Pesa before
          recording it.
        </Text>
        <TextInput
          label="M-Pesa receipt"
          placeholder="QKH94M1Z11"
          value={receipt}
          onChange={(event) => setReceipt(event.currentTarget.value)}
          error={fieldError(record.error, 'receipt')}
        />
        <Problem error={formProblem(record.error, ['receipt'])} title="Not recorded" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={record.isPending} onClick={() => void submit()}>
            Check and record
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
