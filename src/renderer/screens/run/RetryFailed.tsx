// "Retry failed": shows exactly which failed payments would be sent again; the officer asks, and
// an approver other than them approves (RetryRequest.tsx) before anything is sent. Payments whose
// outcome is unknown are never in this list.
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { MethodOutput } from '../../../shared/contract';
import { formatCount } from '../../../shared/format';
import { formatMsisdn } from '../../../shared/phone';
import { call } from '../../api';
import { Money } from '../../components/Money';
import { Problem } from '../../components/Problem';
import { VirtualTable } from '../../components/VirtualTable';

type RetryPreview = MethodOutput<'runs.retryFailed'>;
type Row = RetryPreview['items'][number];

export function RetryFailed({ preview, onClose, onSent }: { preview: RetryPreview; onClose(): void; onSent(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  async function ask() {
    setBusy(true);
    try {
      await call('runs.requestRetry', { runId: preview.runId });
      onSent();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title="Send the failed payments again" size="lg">
      <Stack>
        <Text size="sm">
          {formatCount(preview.count, 'payment')}, <Money cents={preview.amountCents} fw={600} />, estimated charges{' '}
          <Money cents={preview.estimatedChargesCents} />. Each is sent as a new attempt once an approver other than you
          approves; payments M-Pesa may still be processing are not included.
        </Text>
        <VirtualTable<Row>
          label="Payments to send again"
          columns={[
            { key: 'name', header: 'Worker', width: '1fr', render: (row) => row.name },
            { key: 'phone', header: 'Phone', width: '120px', render: (row) => formatMsisdn(row.phone) },
            {
              key: 'amount',
              header: 'Amount',
              width: '130px',
              align: 'right',
              render: (row) => <Money cents={row.amountCents} />,
            },
            { key: 'why', header: 'Why it failed', width: '1.3fr', render: (row) => row.failure?.message ?? '' },
          ]}
          rowCount={preview.items.length}
          getRow={(index) => preview.items[index]}
          height={Math.min(300, preview.items.length * 32 + 4)}
        />
        <Problem error={error} title="Not sent" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Not now
          </Button>
          <Button
            color="orange"
            onClick={() => void ask()}
            loading={busy}
            disabled={preview.count === 0}
            data-testid="ask-retry"
          >
            Ask an approver to send them again
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
