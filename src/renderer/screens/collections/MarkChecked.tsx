// "Mark as checked" for a payment request that left words for a person (M-Pesa said the customer
// did not pay, then that they paid): the person says what they found, the words leave the request,
// and the audit log keeps both (collections.markChecked). Nothing moves.
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { CollectionRequestView } from '../../../shared/contract';
import { fieldError, formProblem } from '../../components/field-errors';
import { Problem } from '../../components/Problem';
import { useContractMutation } from '../../lib/queries';

export function MarkChecked({ request, onClose }: { request: CollectionRequestView; onClose(): void }) {
  const [note, setNote] = useState('');
  const mark = useContractMutation('collections.markChecked');
  async function submit() {
    try {
      await mark.mutateAsync({ id: request.id, note });
      notifications.show({ color: 'teal', message: `Payment request #${request.id} marked as checked.` });
      onClose();
    } catch {
      // Shown beside the field and below it.
    }
  }
  return (
    <Modal opened onClose={onClose} title="Mark as checked">
      <Stack>
        <Text size="sm">{request.attention}</Text>
        <TextInput
          label="What you found"
          placeholder="Customer confirms one payment"
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
          error={fieldError(mark.error, 'note')}
          data-testid="mark-checked-note"
        />
        <Problem error={formProblem(mark.error, ['note'])} title="Not marked" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={mark.isPending} onClick={() => void submit()} data-testid="mark-checked-submit">
            Mark as checked
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
