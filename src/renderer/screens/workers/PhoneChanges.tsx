// New M-Pesa numbers waiting for approval: the list an approver decides from. Until a change is
// decided the worker is paid at neither number; the core refuses the person who made the change,
// whatever roles they hold, and says so in its own words.
import { Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { PhoneChangeView } from '../../../shared/contract';
import { formatCount } from '../../../shared/format';
import { formatMsisdn } from '../../../shared/phone';
import { ContractFailure } from '../../api';
import { Problem } from '../../components/Problem';
import { When } from '../../components/When';
import { useContractMutation, useContractQuery } from '../../lib/queries';

export function PhoneChangesToApprove() {
  const list = useContractQuery('workers.phoneChanges', {});
  const approve = useContractMutation('workers.approvePhoneChange');
  const reject = useContractMutation('workers.rejectPhoneChange');
  const [deciding, setDeciding] = useState<number | undefined>(undefined);
  // A refusal (the person who changed the number, a change already decided) stays beside the list.
  const [refusal, setRefusal] = useState<{ title: string; error: unknown } | undefined>(undefined);
  // Someone whose roles do not read this list (the accountant) simply does not see it, and a lost
  // connection is said once, by the workers list below.
  if (list.error instanceof ContractFailure && (list.error.kind === 'forbidden' || list.error.kind === 'unavailable'))
    return null;
  const changes = list.value?.changes ?? [];
  if (list.error === undefined && changes.length === 0) return null;

  async function decide(change: PhoneChangeView, decision: 'approve' | 'reject') {
    setDeciding(change.id);
    setRefusal(undefined);
    try {
      if (decision === 'approve') {
        await approve.mutateAsync({ changeId: change.id });
        notifications.show({
          message: `${change.workerName} is paid at ${formatMsisdn(change.newPhone)} from now on.`,
        });
      } else {
        await reject.mutateAsync({ changeId: change.id });
        notifications.show({
          message: `${change.workerName} is paid at ${formatMsisdn(change.oldPhone)} again; the new number was rejected.`,
        });
      }
    } catch (error) {
      setRefusal({ title: decision === 'approve' ? 'Not approved' : 'Not rejected', error });
    } finally {
      setDeciding(undefined);
    }
  }

  return (
    <Card withBorder data-testid="phone-changes">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={4}>Number changes to approve</Title>
          <Text size="sm" c="dimmed">
            {formatCount(changes.length, 'change')}
          </Text>
        </Group>
        <Text size="sm">
          These workers are paid at neither number until an approver other than the person who changed it approves the
          new number, or rejects it and the old number comes back.
        </Text>
        <Problem error={list.error} title="The number changes could not be loaded" />
        <Problem error={refusal?.error} title={refusal?.title} />
        {changes.length > 0 && (
          <Table striped aria-label="Number changes to approve">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Worker</Table.Th>
                <Table.Th>Old number</Table.Th>
                <Table.Th>New number</Table.Th>
                <Table.Th>Changed by</Table.Th>
                <Table.Th>When</Table.Th>
                <Table.Th>Decision</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {changes.map((change) => (
                <Table.Tr key={change.id}>
                  <Table.Td>{change.workerName}</Table.Td>
                  <Table.Td>{formatMsisdn(change.oldPhone)}</Table.Td>
                  <Table.Td>{formatMsisdn(change.newPhone)}</Table.Td>
                  <Table.Td>{change.changedByName}</Table.Td>
                  <Table.Td>
                    <When at={change.changedAt} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button
                        size="compact-xs"
                        color="teal"
                        loading={deciding === change.id}
                        onClick={() => void decide(change, 'approve')}
                        aria-label={`Approve ${formatMsisdn(change.newPhone)} for ${change.workerName}`}
                      >
                        Approve
                      </Button>
                      <Button
                        size="compact-xs"
                        variant="light"
                        color="red"
                        disabled={deciding === change.id}
                        onClick={() => void decide(change, 'reject')}
                        aria-label={`Reject ${formatMsisdn(change.newPhone)} for ${change.workerName}`}
                      >
                        Reject
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}
