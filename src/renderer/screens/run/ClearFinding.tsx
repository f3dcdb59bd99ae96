// "Mark as dealt with" for a finding (money that moved against the record): the accountant says
// what was done about it (money recovered, or accepted) and it leaves the list, audited.
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import type { FindingView } from '../../../shared/contract';
import { formatMsisdn } from '../../../shared/phone';
import { call } from '../../api';
import { Money } from '../../components/Money';
import { Problem } from '../../components/Problem';
import { findingWords } from './status';

export function ClearFinding({
  finding,
  onClose,
  onCleared,
}: {
  finding: FindingView;
  onClose(): void;
  onCleared(): void;
}) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  async function clear() {
    setBusy(true);
    setError(undefined);
    try {
      await call('runs.clearFinding', { findingId: finding.id, note: note.trim() });
      onCleared();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={`Mark as dealt with: ${findingWords(finding.kind)}`} size="lg">
      <Stack gap="sm" data-testid="clear-finding-dialog">
        <Text size="sm">
          {finding.workerName}, {formatMsisdn(finding.phone)}, <Money cents={finding.amountCents} />
          {finding.receipt ? `, receipt ${finding.receipt}` : ''}. {finding.detail}
        </Text>
        <Text size="sm" c="dimmed">
          The money stays in the ledger as it moved; this only takes the finding off the list. Say what was done, for
          example that the worker returned the extra payment, or that it was agreed to keep it as an advance.
        </Text>
        <Textarea
          label="What was done about it"
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
          autosize
          minRows={2}
          maxLength={500}
          required
          data-autofocus
          data-testid="finding-note"
        />
        <Problem error={error} title="Not cleared" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button
            onClick={() => void clear()}
            loading={busy}
            disabled={note.trim().length < 3}
            data-testid="finding-clear-confirm"
          >
            Mark as dealt with
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
