// Workers: the people Mshahara pays. Add, edit, deactivate, and import a list from a file with a
// preview of what will be added and what is left out; each worker's history, and new M-Pesa
// numbers waiting for an approver.
import { Badge, Button, Card, Group, Modal, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import type { ImportPreviewView, WorkerView } from '../../shared/contract';
import { formatCount } from '../../shared/format';
import { shillingsText } from '../../shared/money';
import { formatMsisdn } from '../../shared/phone';
import { call } from '../api';
import { ImportPreview } from '../components/ImportPreview';
import { PayrollFileChooser, type ChosenFile } from '../components/PayrollFileChooser';
import { fieldError, formProblem, type LocalErrors } from '../components/field-errors';
import { Money } from '../components/Money';
import { MoneyInput, readShillings } from '../components/MoneyInput';
import { Problem } from '../components/Problem';
import { VirtualTable, type Column } from '../components/VirtualTable';
import { emptyWords, useContractMutation, useContractQuery } from '../lib/queries';
import { showProblem } from '../components/notify';
import { PhoneChangesToApprove } from './workers/PhoneChanges';
import { WorkerHistory } from './workers/WorkerHistory';

const workerFormFields = ['name', 'phone', 'defaultAmountCents', 'department', 'staffNumber', 'nationalId'];

type Include = 'active' | 'archived' | 'all';

export function Workers() {
  const [search, setSearch] = useState('');
  const [include, setInclude] = useState<Include>('active');
  const list = useContractQuery('workers.list', {
    search: search.trim() || undefined,
    include,
    limit: 1000,
    offset: 0,
  });
  const [editing, setEditing] = useState<WorkerView | 'new' | undefined>(undefined);
  const [importing, setImporting] = useState(false);
  const [historyOf, setHistoryOf] = useState<WorkerView | undefined>(undefined);
  const workers = list.value?.workers ?? [];
  // Each reads the list again once it is done (lib/queries.ts).
  const restore = useContractMutation('workers.restore');
  const deactivateWorker = useContractMutation('workers.deactivate');

  async function deactivate(worker: WorkerView) {
    try {
      await (worker.archivedAt ? restore : deactivateWorker).mutateAsync({ id: worker.id });
      notifications.show({
        message: `${worker.name} ${worker.archivedAt ? 'is active again' : 'will not be paid until restored'}.`,
      });
    } catch (error) {
      showProblem('Not changed', error);
    }
  }

  const columns: Column<WorkerView>[] = [
    { key: 'name', header: 'Name', width: '1.4fr', render: (worker) => worker.name },
    {
      key: 'phone',
      header: 'Phone',
      width: '1.3fr',
      render: (worker) => (
        <Group gap={6} wrap="nowrap">
          <span>{formatMsisdn(worker.phone)}</span>
          {worker.pendingPhoneChange && (
            <Badge
              color="orange"
              variant="light"
              size="sm"
              title={`Was ${formatMsisdn(worker.pendingPhoneChange.oldPhone)}; not paid at either number until an approver decides`}
            >
              New number waiting for approval
            </Badge>
          )}
        </Group>
      ),
    },
    { key: 'department', header: 'Department', width: '1fr', render: (worker) => worker.department ?? '' },
    { key: 'staff', header: 'Staff no.', width: '100px', render: (worker) => worker.staffNumber ?? '' },
    {
      key: 'amount',
      header: 'Usual pay',
      width: '140px',
      align: 'right',
      render: (worker) => (worker.defaultAmountCents === null ? '—' : <Money cents={worker.defaultAmountCents} />),
    },
    {
      key: 'actions',
      header: 'Actions',
      width: '250px',
      render: (worker) => (
        <Group gap={4} wrap="nowrap">
          <Button
            size="compact-xs"
            variant="subtle"
            onClick={() => setHistoryOf(worker)}
            aria-label={`History of ${worker.name}`}
          >
            History
          </Button>
          <Button
            size="compact-xs"
            variant="subtle"
            onClick={() => setEditing(worker)}
            aria-label={`Edit ${worker.name}`}
          >
            Edit
          </Button>
          <Button
            size="compact-xs"
            variant="subtle"
            color={worker.archivedAt ? 'teal' : 'red'}
            onClick={() => void deactivate(worker)}
            aria-label={`${worker.archivedAt ? 'Restore' : 'Deactivate'} ${worker.name}`}
          >
            {worker.archivedAt ? 'Restore' : 'Deactivate'}
          </Button>
        </Group>
      ),
    },
  ];

  return (
    <Stack data-testid="workers">
      <Group justify="space-between">
        <Title order={2}>Workers</Title>
        <Group>
          <Button variant="light" onClick={() => setImporting(true)} data-testid="import-workers">
            Import from a file
          </Button>
          <Button onClick={() => setEditing('new')}>Add a worker</Button>
        </Group>
      </Group>
      <PhoneChangesToApprove />
      <Group>
        <TextInput
          aria-label="Search workers"
          placeholder="Search by name, phone or staff number"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={340}
        />
        <SegmentedControl
          aria-label="Which workers"
          value={include}
          onChange={(value) => setInclude(value as Include)}
          data={[
            { value: 'active', label: 'Active' },
            { value: 'archived', label: 'Deactivated' },
            { value: 'all', label: 'All' },
          ]}
        />
        <Text size="sm" c="dimmed">
          {list.value ? formatCount(list.value.total, 'worker') : ''}
        </Text>
      </Group>
      <Problem error={list.error} />
      <VirtualTable
        label="Workers"
        columns={columns}
        rowCount={workers.length}
        getRow={(index) => workers[index]}
        height="calc(100vh - 220px)"
        testId="workers-table"
        empty={emptyWords(list, 'No workers yet: add one, or import a list.')}
      />
      {editing && (
        <WorkerForm
          worker={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => void list.reload()}
        />
      )}
      {historyOf && (
        <WorkerHistory workerId={historyOf.id} name={historyOf.name} onClose={() => setHistoryOf(undefined)} />
      )}
      {importing && <ImportWorkers onClose={() => setImporting(false)} onImported={() => void list.reload()} />}
    </Stack>
  );
}

function WorkerForm({
  worker,
  onClose,
  onSaved,
}: {
  worker: WorkerView | undefined;
  onClose(): void;
  onSaved(): void;
}) {
  const [fields, setFields] = useState({
    name: worker?.name ?? '',
    phone: worker ? formatMsisdn(worker.phone) : '',
    department: worker?.department ?? '',
    staffNumber: worker?.staffNumber ?? '',
    nationalId: worker?.nationalId ?? '',
  });
  const [amount, setAmount] = useState(shillingsText(worker?.defaultAmountCents));
  const [error, setError] = useState<unknown>(undefined);
  const [local, setLocal] = useState<LocalErrors>({});
  const [busy, setBusy] = useState(false);
  const set = (name: keyof typeof fields) => (event: { currentTarget: { value: string } }) =>
    setFields({ ...fields, [name]: event.currentTarget.value });

  async function save(event: FormEvent) {
    event.preventDefault();
    const usualPay = readShillings(amount);
    if ('reason' in usualPay) {
      setLocal({ defaultAmountCents: usualPay.reason });
      return;
    }
    setLocal({});
    setError(undefined);
    setBusy(true);
    const changes = {
      name: fields.name,
      phone: fields.phone,
      department: fields.department || null,
      staffNumber: fields.staffNumber || null,
      nationalId: fields.nationalId || null,
      defaultAmountCents: usualPay.cents,
    };
    try {
      if (worker) {
        const saved = await call('workers.edit', { id: worker.id, changes });
        const pending = saved.pendingPhoneChange;
        if (pending && pending.id !== worker.pendingPhoneChange?.id)
          notifications.show({
            color: 'orange',
            message: `${saved.name}'s new number ${formatMsisdn(pending.newPhone)} waits for an approver other than you; ${saved.name} is not paid until it is decided.`,
          });
      } else await call('workers.add', changes);
      onSaved();
      onClose();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={worker ? `Edit ${worker.name}` : 'Add a worker'}>
      <form onSubmit={(event) => void save(event)}>
        <Stack>
          <TextInput
            label="Full name"
            required
            value={fields.name}
            onChange={set('name')}
            error={fieldError(error, 'name')}
            data-autofocus
          />
          <TextInput
            label="M-Pesa phone number"
            description={
              worker?.pendingPhoneChange
                ? `New number waiting for approval; the approved number is ${formatMsisdn(worker.pendingPhoneChange.oldPhone)}. Typing that number back withdraws the change.`
                : 'Any Kenyan format, e.g. 0712 345 678'
            }
            required
            value={fields.phone}
            onChange={set('phone')}
            error={fieldError(error, 'phone')}
          />
          <MoneyInput
            label="Usual pay (KES)"
            description="e.g. 25,000 or 1,250.50"
            value={amount}
            onChange={setAmount}
            error={fieldError(error, 'defaultAmountCents', local)}
            data-testid="worker-amount"
          />
          <TextInput
            label="Department"
            value={fields.department}
            onChange={set('department')}
            error={fieldError(error, 'department')}
          />
          <TextInput
            label="Staff number"
            value={fields.staffNumber}
            onChange={set('staffNumber')}
            error={fieldError(error, 'staffNumber')}
          />
          <TextInput
            label="National ID"
            value={fields.nationalId}
            onChange={set('nationalId')}
            error={fieldError(error, 'nationalId')}
          />
          <Problem error={formProblem(error, workerFormFields)} title="Not saved" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ImportWorkers({ onClose, onImported }: { onClose(): void; onImported(): void }) {
  const [file, setFile] = useState<ChosenFile | undefined>(undefined);
  const [preview, setPreview] = useState<ImportPreviewView | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  async function commit() {
    if (!file) return;
    setBusy(true);
    try {
      // The bytes that were previewed, with the same choices: what is saved is what was shown.
      const answer = await call('workers.importCommit', file);
      notifications.show({
        message: `${formatCount(answer.created, 'worker')} added${answer.refused.length ? `, ${formatCount(answer.refused.length, 'row')} left out` : ''}.`,
      });
      onImported();
      onClose();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title="Import workers from a file" size="xl">
      <Stack>
        <Card withBorder p="sm">
          <Text size="sm">
            A CSV or Excel file with name and phone and, if you have them, amount (their usual pay), staff number,
            department, national ID. Nothing is saved until you confirm.
          </Text>
        </Card>
        <PayrollFileChooser<ImportPreviewView>
          label="File"
          description="CSV or XLSX"
          testId="workers-file"
          read={(chosen) => call('workers.importPreview', chosen)}
          previewOf={(answer) => answer}
          onRead={(chosen, answer) => {
            setFile(chosen);
            setPreview(answer);
          }}
        >
          {(answer, chosen) => <ImportPreview preview={answer} fileName={chosen.fileName} />}
        </PayrollFileChooser>
        <Problem error={error} title="The workers were not added" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            onClick={() => void commit()}
            disabled={!preview || preview.valid.length === 0 || preview.missingColumns.length > 0}
            loading={busy}
          >
            Add {formatCount(preview?.valid.length ?? 0, 'worker')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
