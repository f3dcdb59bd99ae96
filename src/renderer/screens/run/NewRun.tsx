// Starting a payroll run: everyone on the worker list at their usual pay, or the rows of a file,
// previewed (rows left out with reasons, charges, float) before the draft run is made. A file
// that earlier runs already pay (the same file, or the same people and amounts) is made into a run
// only when the officer ticks "pay again", the same rule `pay --pay-again` applies.
import { Alert, Button, Group, Modal, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { RunView } from '../../../shared/contract';
import { formatCount, formatMonth, formatNumber } from '../../../shared/format';
import { nairobiMonth } from '../../../shared/time';
import { call } from '../../api';
import { fieldError, formProblem } from '../../components/field-errors';
import { Money } from '../../components/Money';
import { Problem } from '../../components/Problem';
import { useContractQuery } from '../../lib/queries';
import { FromFile } from './FromFile';

function thisMonthTitle(): string {
  return `${formatMonth(nairobiMonth())} salaries`;
}

export function NewRun({ onClose, onCreated }: { onClose(): void; onCreated(run: RunView): void }) {
  const [source, setSource] = useState<'file' | 'workers'>('file');
  const [title, setTitle] = useState(thisMonthTitle());
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  async function create(make: () => Promise<RunView>) {
    setBusy(true);
    setError(undefined);
    try {
      const run = await make();
      onCreated(run);
      onClose();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title="New payroll run" size="xl">
      <Stack>
        <TextInput
          label="Title"
          description="How this run appears in lists and on the ledger"
          required
          value={title}
          onChange={(event) => setTitle(event.currentTarget.value)}
          error={fieldError(error, 'title')}
        />
        <SegmentedControl
          aria-label="Who to pay"
          value={source}
          onChange={(value) => setSource(value as 'file' | 'workers')}
          data={[
            { value: 'file', label: 'From a payroll file' },
            { value: 'workers', label: 'From the worker list' },
          ]}
        />
        {source === 'file' ? (
          <FromFile title={title} busy={busy} create={create} />
        ) : (
          <FromWorkers title={title} busy={busy} create={create} />
        )}
        <Problem error={formProblem(error, ['title'])} title="The run was not created" />
      </Stack>
    </Modal>
  );
}

interface SourceProps {
  title: string;
  busy: boolean;
  create(make: () => Promise<RunView>): Promise<void>;
}

function FromWorkers({ title, busy, create }: SourceProps) {
  const workers = useContractQuery('workers.list', { include: 'active', limit: 1000, offset: 0 });
  const all = workers.value?.workers ?? [];
  const payable = all.filter((worker) => worker.defaultAmountCents !== null);
  const total = payable.reduce((sum, worker) => sum + (worker.defaultAmountCents ?? 0), 0);
  return (
    <Stack>
      <Problem error={workers.error} />
      <Text size="sm">
        Pays every active worker their usual pay: {formatCount(payable.length, 'worker')},{' '}
        <Money cents={total} fw={600} />.
      </Text>
      {all.length > payable.length && (
        <Alert color="yellow" variant="light" p="sm">
          {formatCount(all.length - payable.length, 'active worker')}{' '}
          {all.length - payable.length === 1 ? 'has' : 'have'} no usual pay set and{' '}
          {all.length - payable.length === 1 ? 'is' : 'are'} left out. Set it on the Workers screen.
        </Alert>
      )}
      {workers.value && workers.value.total > all.length && (
        <Alert color="yellow" variant="light" p="sm">
          Only the first {formatNumber(all.length)} of {formatCount(workers.value.total, 'worker')} are included; use a
          payroll file for larger runs.
        </Alert>
      )}
      <Group justify="flex-end">
        <Button
          disabled={payable.length === 0}
          loading={busy}
          onClick={() =>
            void create(() =>
              call('runs.createFromWorkers', { title, workers: payable.map((worker) => ({ workerId: worker.id })) }),
            )
          }
        >
          Create the run ({formatCount(payable.length, 'worker')})
        </Button>
      </Group>
    </Stack>
  );
}
