// The review before approval: what the run pays, its charges, whether the float covers it, who
// approved and who is still needed, rows that could pay someone twice (each ticked on its own),
// every line and what changed since these people were last paid, other runs paying this same
// payroll, and rows of the file that were left out.
import { Alert, Card, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import type { MethodOutput } from '../../../shared/contract';
import { LowFloatWarning } from '../../components/LowFloatWarning';
import { Money } from '../../components/Money';
import { formatCount, formatNumber } from '../../../shared/format';
import { ApprovalState } from './ApprovalState';
import { DuplicateWarnings } from './DuplicateWarnings';
import { ReviewLines } from './ReviewLines';

type Review = MethodOutput<'runs.review'>;

export function RunReview({
  review,
  ticked,
  onTick,
}: {
  review: Review;
  /** Keys of the duplicate warnings the approver has ticked. */
  ticked: ReadonlySet<string>;
  onTick(key: string, checked: boolean): void;
}) {
  const { run, charges, floatCheck, duplicateWarnings, leftOutRows, earlierRuns } = review;
  return (
    <Stack data-testid="run-review">
      <div className="grid-4">
        <Card withBorder p="sm">
          <Text size="sm" c="dimmed">
            Workers
          </Text>
          <Text fw={650} size="lg" data-testid="review-count">
            {formatNumber(run.totals.count)}
          </Text>
        </Card>
        <Card withBorder p="sm">
          <Text size="sm" c="dimmed">
            Total to pay
          </Text>
          <Money cents={run.totals.amountCents} fw={650} size="lg" data-testid="review-total" />
        </Card>
        <Card withBorder p="sm">
          <Text size="sm" c="dimmed">
            Estimated M-Pesa charges
          </Text>
          <Money cents={charges.estimatedCents} fw={650} size="lg" />
        </Card>
        <Card withBorder p="sm">
          <Text size="sm" c="dimmed">
            Needed in the float
          </Text>
          <Money cents={floatCheck.requiredCents} fw={650} size="lg" />
        </Card>
      </div>
      <Alert
        color={floatCheck.enough === false ? 'red' : floatCheck.enough ? 'teal' : 'yellow'}
        variant="light"
        title="Float check"
        data-testid="float-check"
      >
        {floatCheck.message}
        {floatCheck.availableCents !== null && (
          <>
            {' '}
            Available: <Money cents={floatCheck.availableCents} />.
          </>
        )}
      </Alert>
      <LowFloatWarning />
      {earlierRuns.length > 0 && (
        <Alert color="red" variant="light" title="Other runs pay this same payroll" data-testid="earlier-runs">
          <List size="sm">
            {earlierRuns.map((earlier) => (
              <List.Item key={earlier.runId}>{earlier.message}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      <ApprovalState approval={review.approval} />
      <DuplicateWarnings
        warnings={duplicateWarnings}
        canTick={review.viewer.mayApprove}
        ticked={ticked}
        onTick={onTick}
      />
      <ReviewLines runId={run.id} mayEdit={review.viewer.mayEdit} counts={review.changeCounts} />
      {leftOutRows.length > 0 && (
        <Card withBorder p="sm">
          <Title order={3} size="h5" mb={4}>
            Rows of the file left out of this run
          </Title>
          <Table data-testid="left-out-rows">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={70}>Row</Table.Th>
                <Table.Th>Reason</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {leftOutRows.map((row) => (
                <Table.Tr key={row.row}>
                  <Table.Td>{row.row}</Table.Td>
                  <Table.Td>{row.reason}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
      {review.nameMismatches > 0 && (
        <Group>
          <Text size="sm" c="orange.8">
            {formatCount(review.nameMismatches, 'name')} {review.nameMismatches === 1 ? 'differs' : 'differ'} from what
            M-Pesa has registered.
          </Text>
        </Group>
      )}
    </Stack>
  );
}
