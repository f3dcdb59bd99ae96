// The maker adds saved workers to their draft, each at their default amount (changed afterwards
// with Edit if need be).
import { Button, Group, Modal, MultiSelect, Stack } from '@mantine/core';
import { useState } from 'react';
import { formatMsisdn } from '../../../shared/phone';
import { call } from '../../api';
import { Problem } from '../../components/Problem';
import { useContractQuery } from '../../lib/queries';

export function AddWorkers({ runId, onClose }: { runId: number; onClose(): void }) {
  const workers = useContractQuery('workers.list', { include: 'active', limit: 1000, offset: 0 });
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  async function add() {
    setBusy(true);
    try {
      await call('runs.addWorkers', { runId, workers: chosen.map((id) => ({ workerId: Number(id) })) });
      onClose();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title="Add people to this run">
      <Stack>
        <MultiSelect
          label="Saved workers"
          searchable
          data={(workers.value?.workers ?? []).map((w) => ({
            value: String(w.id),
            label: `${w.name} (${formatMsisdn(w.phone)})`,
          }))}
          value={chosen}
          onChange={setChosen}
        />
        <Problem error={workers.error ?? error} title="Not added" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Not now
          </Button>
          <Button onClick={() => void add()} loading={busy} disabled={chosen.length === 0}>
            Add to the run
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
