// Starting a payroll run: everyone on the worker list at their usual pay, or the rows of a file,
// previewed (rows left out with reasons, charges, float) before the draft run is made. A file
// that earlier runs already pay (the same file, or the same people and amounts) is made into a run
// only when the officer ticks "pay again", the same rule `pay --pay-again` applies.
import { Alert, Button, Checkbox, FileInput, Group, List, Modal, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { MethodOutput, RunView } from '../../../shared/contract';
import { call } from '../../api';
import { ImportPreview } from '../../components/ImportPreview';
import { Money } from '../../components/Money';
import { Problem } from '../../components/Problem';
import { fileToBase64 } from '../../lib/download';
import { useLoad } from '../../lib/use-load';

type FilePreview = MethodOutput<'runs.previewFile'>;

function thisMonthTitle(): string {
  const month = new Intl.DateTimeFormat('en-KE', { month: 'long', year: 'numeric', timeZone: 'Africa/Nairobi' }).format(new Date());
  return `${month} salaries`;
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
        <TextInput label="Title" description="How this run appears in lists and on the ledger" required value={title} onChange={(event) => setTitle(event.currentTarget.value)} />
        <SegmentedControl
          aria-label="Who to pay"
          value={source}
          onChange={(value) => setSource(value as 'file' | 'workers')}
          data={[
            { value: 'file', label: 'From a payroll file' },
            { value: 'workers', label: 'From the worker list' },
          ]}
        />
        {source === 'file' ? <FromFile title={title} busy={busy} create={create} /> : <FromWorkers title={title} busy={busy} create={create} />}
        <Problem error={error} title="The run was not created" />
      </Stack>
    </Modal>
  );
}

interface SourceProps {
  title: string;
  busy: boolean;
  create(make: () => Promise<RunView>): Promise<void>;
}

function FromFile({ title, busy, create }: SourceProps) {
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<FilePreview | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [reading, setReading] = useState(false);
  const [payAgain, setPayAgain] = useState(false);
  const paidBefore = (preview?.earlierRuns.length ?? 0) > 0;

  async function choose(picked: File | null) {
    setFile(picked);
    setPreview(undefined);
    setError(undefined);
    setPayAgain(false);
    if (!picked) return;
    setReading(true);
    try {
      setPreview(await call('runs.previewFile', { fileName: picked.name, contentBase64: await fileToBase64(picked) }));
    } catch (failure) {
      setError(failure);
    } finally {
      setReading(false);
    }
  }

  return (
    <Stack>
      <FileInput label="Payroll file" description="CSV or Excel: name, phone, amount, and if you like reference, national_id, department" placeholder="Choose a file" accept=".csv,.xlsx" value={file} onChange={(picked) => void choose(picked)} data-testid="run-file" />
      {reading && <Text size="sm">Reading the file…</Text>}
      <Problem error={error} title="The file could not be read" />
      {preview && (
        <>
          <ImportPreview preview={preview.preview} />
          <Group gap="xl">
            <Text size="sm">
              Estimated M-Pesa charges <Money cents={preview.estimatedChargesCents} fw={600} />
            </Text>
            <Text size="sm">
              Needed in the float <Money cents={preview.floatCheck.requiredCents} fw={600} />
            </Text>
          </Group>
          <Alert color={preview.floatCheck.enough === false ? 'red' : preview.floatCheck.enough ? 'teal' : 'yellow'} variant="light" p="sm">
            {preview.floatCheck.message}
          </Alert>
          {paidBefore && (
            <Alert color="red" variant="light" title="This payroll was paid before, or is being paid" data-testid="paid-before">
              <List size="sm" mb="xs">
                {preview.earlierRuns.map((earlier) => (
                  <List.Item key={earlier.runId}>{earlier.message}</List.Item>
                ))}
              </List>
              <Checkbox
                label="Pay these people again: I know they were paid and this is new pay"
                checked={payAgain}
                onChange={(event) => setPayAgain(event.currentTarget.checked)}
                data-testid="pay-again"
              />
            </Alert>
          )}
        </>
      )}
      <Group justify="flex-end">
        <Button
          disabled={!file || !preview || preview.preview.valid.length === 0 || (paidBefore && !payAgain)}
          loading={busy}
          data-testid="create-run"
          onClick={() => file && void create(async () => call('runs.createFromFile', { title, fileName: file.name, contentBase64: await fileToBase64(file), ...(paidBefore ? { payAgain } : {}) }))}
        >
          Create the run ({preview?.preview.valid.length ?? 0} workers)
        </Button>
      </Group>
    </Stack>
  );
}

function FromWorkers({ title, busy, create }: SourceProps) {
  const workers = useLoad(() => call('workers.list', { include: 'active', limit: 1000, offset: 0 }), []);
  const all = workers.value?.workers ?? [];
  const payable = all.filter((worker) => worker.defaultAmountCents !== null);
  const total = payable.reduce((sum, worker) => sum + (worker.defaultAmountCents ?? 0), 0);
  return (
    <Stack>
      <Problem error={workers.error} />
      <Text size="sm">
        Pays every active worker their usual pay: {payable.length} workers, <Money cents={total} fw={600} />.
      </Text>
      {all.length > payable.length && (
        <Alert color="yellow" variant="light" p="sm">
          {all.length - payable.length} active workers have no usual pay set and are left out. Set it on the Workers screen.
        </Alert>
      )}
      {workers.value && workers.value.total > all.length && (
        <Alert color="yellow" variant="light" p="sm">
          Only the first {all.length} of {workers.value.total} workers are included; use a payroll file for larger runs.
        </Alert>
      )}
      <Group justify="flex-end">
        <Button disabled={payable.length === 0} loading={busy} onClick={() => void create(() => call('runs.createFromWorkers', { title, workers: payable.map((worker) => ({ workerId: worker.id })) }))}>
          Create the run ({payable.length} workers)
        </Button>
      </Group>
    </Stack>
  );
}
