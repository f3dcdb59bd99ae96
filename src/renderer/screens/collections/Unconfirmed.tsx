// M-Pesa Express successes no payment request holds that M-Pesa could not confirm: the customer may
// have paid, so asking them again waits until a person looks the receipt up on the M-Pesa portal or
// the statement and settles it here with what they found (collections.settleSuccess). Nothing here
// is in the ledger, and settling records nothing.
import { Button, Card, Group, Modal, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { UnconfirmedSuccessView } from '../../../shared/contract';
import { formatMsisdn, type Msisdn } from '../../../shared/phone';
import { fieldError, formProblem } from '../../components/field-errors';
import { Money } from '../../components/Money';
import { Problem } from '../../components/Problem';
import { When } from '../../components/When';
import { useContractMutation } from '../../lib/queries';

export function Unconfirmed({ unconfirmed, maySettle }: { unconfirmed: UnconfirmedSuccessView[]; maySettle: boolean }) {
  const [settling, setSettling] = useState<UnconfirmedSuccessView | undefined>(undefined);
  if (unconfirmed.length === 0) return null;
  return (
    <Card withBorder data-testid="unconfirmed-successes">
      <Title order={3} size="h4" mb="xs">
        Payment prompts M-Pesa could not confirm
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        M-Pesa said these were paid, but no payment request holds them and M-Pesa’s lookup has not confirmed them.
        Nothing here is in the ledger. The customer may have paid: look the receipt up on the M-Pesa portal or the
        statement before asking them again.
      </Text>
      <Table verticalSpacing={6}>
        <Table.Tbody>
          {unconfirmed.map((success) => (
            <Table.Tr key={success.inboxId} data-testid="unconfirmed-success">
              <Table.Td>
                <When at={success.receivedAt} />
              </Table.Td>
              <Table.Td ff="monospace">{success.receipt}</Table.Td>
              <Table.Td>{success.phone === null ? '' : formatMsisdn(success.phone as Msisdn)}</Table.Td>
              <Table.Td ta="right">
                <Money cents={success.amountCents} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{success.words}</Text>
              </Table.Td>
              <Table.Td>
                {maySettle && (
                  <Button
                    size="compact-xs"
                    variant="light"
                    color="orange"
                    onClick={() => setSettling(success)}
                    data-testid="settle-success"
                  >
                    Settle…
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {settling && <SettleSuccess success={settling} onClose={() => setSettling(undefined)} />}
    </Card>
  );
}

function SettleSuccess({ success, onClose }: { success: UnconfirmedSuccessView; onClose(): void }) {
  const [note, setNote] = useState('');
  const settle = useContractMutation('collections.settleSuccess');
  async function submit() {
    try {
      await settle.mutateAsync({ inboxId: success.inboxId, note });
      notifications.show({ color: 'teal', message: `${success.receipt} settled; nothing was recorded.` });
      onClose();
    } catch {
      // Shown beside the field and below it.
    }
  }
  return (
    <Modal opened onClose={onClose} title={`Settle ${success.receipt}`}>
      <Stack>
        <Text size="sm">
          Nothing is recorded and nothing moves. Say what the M-Pesa portal or the statement shows for {success.receipt}{' '}
          (<Money cents={success.amountCents} />
          ). Once settled, the customer may be asked again.
        </Text>
        <TextInput
          label="What you found"
          placeholder="Not on the statement of 1 December"
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
          error={fieldError(settle.error, 'note')}
          data-testid="settle-success-note"
        />
        <Problem error={formProblem(settle.error, ['note'])} title="Not settled" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={settle.isPending} onClick={() => void submit()} data-testid="settle-success-submit">
            Settle
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
