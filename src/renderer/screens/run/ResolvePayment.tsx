// The officer settles one payment on the needs-attention list: "paid" with the receipt from the
// M-Pesa statement, or "failed" with a reason. The core asks M-Pesa before recording either, so the
// dialog waits for it and then shows the core's own words: confirmed by M-Pesa, or on your word.
import { Alert, Button, Checkbox, Group, Modal, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';
import type { AttentionItemView, MethodOutput } from '../../../shared/contract';
import { formatMsisdn } from '../../../shared/phone';
import { call } from '../../api';
import { Money } from '../../components/Money';
import { Problem } from '../../components/Problem';

export type ResolveOutcome = 'paid' | 'failed';
type Resolved = MethodOutput<'runs.resolve'>;

const receiptShape = /^[A-Z0-9]{10}$/;

function receiptError(receipt: string): string | undefined {
  if (receipt === '' || receiptShape.test(receipt)) return undefined;
  return 'An M-Pesa receipt is 10 letters and digits, like SKE52PAWR9';
}

function outcomeTitle(asked: ResolveOutcome, resolved: Resolved): string {
  if (resolved.outcome !== asked)
    return resolved.outcome === 'paid' ? 'M-Pesa shows this payment was made' : 'M-Pesa shows this payment failed';
  if (resolved.checked === 'confirmed')
    return resolved.outcome === 'paid' ? 'Paid: confirmed by M-Pesa' : 'Failed: confirmed by M-Pesa';
  return resolved.outcome === 'paid'
    ? 'Paid: recorded on your word (unchecked)'
    : 'Failed: recorded on your word (unchecked)';
}

export function ResolvePayment({
  item,
  outcome,
  onClose,
  onResolved,
}: {
  item: AttentionItemView;
  outcome: ResolveOutcome;
  onClose(): void;
  onResolved(resolved: Resolved): void;
}) {
  const [receipt, setReceipt] = useState('');
  const [reason, setReason] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [resolved, setResolved] = useState<Resolved | undefined>(undefined);

  const paid = outcome === 'paid';
  const ready = reason.trim().length >= 3 && (paid ? receiptShape.test(receipt) : understood);

  async function record() {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await call(
        'runs.resolve',
        paid
          ? { itemId: item.itemId, outcome: 'paid', receipt, reason: reason.trim() }
          : { itemId: item.itemId, outcome: 'failed', reason: reason.trim() },
      );
      setResolved(answer);
      onResolved(answer);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const title = paid ? `Record as paid: ${item.workerName}` : `Record as failed: ${item.workerName}`;
  return (
    <Modal
      opened
      onClose={busy ? () => undefined : onClose}
      title={title}
      size="lg"
      closeOnClickOutside={!busy}
      closeOnEscape={!busy}
      data-testid="resolve-dialog"
    >
      <Stack gap="sm" data-testid="resolve-form" data-outcome={outcome}>
        <div>
          <Text fw={600}>
            <Money cents={item.amountCents} /> to {formatMsisdn(item.phone)}
          </Text>
          <Text size="xs" c="dimmed">
            Request ID {item.originatorConversationId}
            {item.conversationId ? ` · M-Pesa's ID ${item.conversationId}` : ' · M-Pesa never acknowledged it'}
          </Text>
        </div>
        {resolved ? (
          <>
            <Alert
              color={resolved.checked === 'confirmed' ? 'teal' : 'yellow'}
              title={outcomeTitle(outcome, resolved)}
              data-testid="resolve-outcome"
              data-checked={resolved.checked}
              data-outcome={resolved.outcome}
            >
              {resolved.message}
            </Alert>
            {resolved.outcome === 'failed' && (
              <Text size="sm" c="dimmed">
                The payment now counts as failed. "Retry failed" on this run would send it again as a new payment.
              </Text>
            )}
            <Group justify="flex-end">
              <Button onClick={onClose} data-testid="resolve-done">
                Done
              </Button>
            </Group>
          </>
        ) : (
          <>
            {paid ? (
              <>
                <Text size="sm">
                  Find this payment on the M-Pesa statement and type its receipt. Mshahara asks M-Pesa about the receipt
                  before recording it: a receipt of another payment is refused. If M-Pesa does not answer in time, it is
                  recorded on your word and marked unchecked.
                </Text>
                <TextInput
                  label="M-Pesa receipt"
                  placeholder="SKE52PAWR9"
                  value={receipt}
                  onChange={(event) => setReceipt(event.currentTarget.value.trim().toUpperCase())}
                  error={receiptError(receipt)}
                  maxLength={10}
                  required
                  data-autofocus
                  styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', letterSpacing: '0.05em' } }}
                  data-testid="resolve-receipt"
                />
              </>
            ) : (
              <Alert color="red" variant="light" title="A retry sends new money">
                Once it is recorded as failed, "Retry failed" can send {item.workerName}{' '}
                <Money cents={item.amountCents} /> again as a new payment. If this payment did in fact go through, the
                worker is paid twice. Record it as failed only when the M-Pesa statement shows no payment to{' '}
                {formatMsisdn(item.phone)} for it. Mshahara asks M-Pesa once more first; if M-Pesa shows it paid, it is
                recorded as paid instead.
              </Alert>
            )}
            <Textarea
              label="Reason"
              description="Kept in the audit log with your name, for whoever looks at this later."
              placeholder={
                paid
                  ? 'e.g. Found on the M-Pesa statement of 1 December'
                  : 'e.g. Not on the M-Pesa statement; Safaricom confirmed it failed'
              }
              value={reason}
              onChange={(event) => setReason(event.currentTarget.value)}
              autosize
              minRows={2}
              maxLength={500}
              required
              {...(paid ? {} : { 'data-autofocus': true })}
              data-testid="resolve-reason"
            />
            {!paid && (
              <Checkbox
                label="I checked the M-Pesa statement: this payment is not on it"
                checked={understood}
                onChange={(event) => setUnderstood(event.currentTarget.checked)}
                data-testid="resolve-understood"
              />
            )}
            <Problem error={error} title="Not recorded" />
            {busy && (
              <Text size="sm" c="dimmed" data-testid="resolve-asking">
                Asking M-Pesa… this can take up to half a minute.
              </Text>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose} disabled={busy}>
                Cancel
              </Button>
              <Button
                color={paid ? 'teal' : 'red'}
                onClick={() => void record()}
                loading={busy}
                disabled={!ready}
                data-testid="resolve-confirm"
              >
                {paid ? 'Record as paid' : 'Record as failed'}
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Modal>
  );
}
