// A retry of failed payments waiting for a second person: who asked, when, how many and how much;
// an approver other than the one who asked approves it here, confirming the money first.
import { Alert, Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { RunReview } from '../../../shared/contract';
import { formatCount } from '../../../shared/format';
import { call } from '../../api';
import { confirmMoneyMove } from '../../components/confirm-money';
import { Money } from '../../components/Money';
import type { PayingProfile } from '../../components/money-move';
import { showProblem } from '../../components/notify';
import { When } from '../../components/When';

export function RetryRequest({
  review,
  profile,
  onSent,
}: {
  review: RunReview;
  profile: PayingProfile | null | undefined;
  onSent(): void;
}) {
  const [busy, setBusy] = useState(false);
  const request = review.retryRequest;
  if (request === null) return null;

  async function approve() {
    if (request === null) return;
    const sure = await confirmMoneyMove(
      { kind: 'retry', amountCents: request.amountCents, payments: request.count },
      { title: 'Send the failed payments again', confirmLabel: 'Approve and send again' },
      profile,
    );
    if (!sure) return;
    setBusy(true);
    try {
      const { queued } = await call('runs.approveRetry', { runId: review.run.id });
      notifications.show({ message: `${formatCount(queued, 'payment')} will be sent again.` });
      onSent();
    } catch (error) {
      showProblem('Not sent', error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Alert color="orange" variant="light" title="A retry waits for approval" data-testid="retry-request">
      <Group justify="space-between">
        <Text size="sm">
          {request.requestedBy.displayName} asked <When at={request.requestedAt} /> to send{' '}
          {formatCount(request.count, 'failed payment')} again (<Money cents={request.amountCents} />
          ). {review.viewer.mayApproveRetry ? '' : 'An approver other than them approves it.'}
        </Text>
        {review.viewer.mayApproveRetry && (
          <Button color="orange" onClick={() => void approve()} loading={busy} data-testid="approve-retry-request">
            Approve the retry
          </Button>
        )}
      </Group>
    </Alert>
  );
}
