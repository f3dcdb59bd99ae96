// Who approved the run and when, who is still needed, approvals a change voided and why, and the
// profile's policy in words; "Single person" stands out whenever the admin chose it.
import { Badge, Card, Group, List, Stack, Text, Title } from '@mantine/core';
import type { ApprovalView } from '../../../shared/contract';
import { When } from '../../components/When';

export function ApprovalState({ approval }: { approval: ApprovalView }) {
  const voided = approval.approvals.filter((a) => !a.counts && a.voidReason !== null);
  return (
    <Card withBorder p="sm" data-testid="approval-state">
      <Stack gap={6}>
        <Group gap="xs">
          <Title order={3} size="h5">
            Approvals
          </Title>
          <Badge
            color={approval.singlePerson ? 'red' : 'gray'}
            variant={approval.singlePerson ? 'filled' : 'light'}
            data-testid="approval-policy"
          >
            {approval.singlePerson ? 'Single person' : `${approval.peopleNeeded} people`}
          </Badge>
        </Group>
        <Text data-testid="approval-summary">{approval.summary}</Text>
        <Text size="sm" c="dimmed">
          Policy: {approval.policyWords}.
        </Text>
        {voided.length > 0 && (
          <List size="sm" data-testid="voided-approvals">
            {voided.map((a) => (
              <List.Item key={`${a.username}-${a.approvedAt}`}>
                {a.displayName}’s approval of <When at={a.approvedAt} /> no longer counts: {a.voidReason}
              </List.Item>
            ))}
          </List>
        )}
      </Stack>
    </Card>
  );
}
