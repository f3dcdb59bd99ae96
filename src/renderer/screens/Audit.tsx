// The audit log for the auditor and the admin: who did what and when, newest first, filtered by
// who, what, which thing and Nairobi days, with a search; one entry's before → after beside the
// table; the filtered set exported; and the keyed chain checked on demand, naming the first entry
// that does not hold. The core decides who may read it: anyone else sees its refusal.
import {
  Alert,
  Anchor,
  Button,
  Code,
  Group,
  NativeSelect,
  Pagination,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import type { AuditEntry, AuditFilter, AuditVerdict } from '../../shared/contract';
import { formatCount, formatDateTime } from '../../shared/format';
import { call } from '../api';
import { DateRangeFilter } from '../components/DateRangeFilter';
import { showProblem } from '../components/notify';
import { Problem } from '../components/Problem';
import { When } from '../components/When';
import type { DayRange } from '../lib/date-presets';
import { deliverFile } from '../lib/produced-file';
import { emptyWords, useContractQuery } from '../lib/queries';

const pageSize = 50;

/** The kinds of thing an entry is about, in the words of the "About" filter. */
const entityKinds: Record<string, string> = {
  account: 'Accounts',
  settings: 'Settings',
  worker: 'Workers',
  payroll_run: 'Payroll runs',
  payroll_item: 'Lines of a run',
  payout_attempt: 'Payment tries',
  payout_finding: 'Findings',
  transaction: 'Ledger rows',
  inbox: 'Callbacks',
  statement_import: 'Statements',
  statement_row: 'Statement rows',
  reconciliation: 'Reconciliations',
};

function who(entry: Pick<AuditEntry, 'actor' | 'actorName'>): string {
  return entry.actorName === null ? entry.actor : `${entry.actorName} (${entry.actor})`;
}

function VerdictAlert({ verdict }: { verdict: AuditVerdict }) {
  if (verdict.ok)
    return (
      <Alert color="teal" variant="light" title="The audit log holds" data-testid="audit-verdict">
        {formatCount(verdict.entries, 'entry', 'entries')} checked with the profile&apos;s key,{' '}
        {formatDateTime(verdict.checkedAt)}. None was changed outside Mshahara.
      </Alert>
    );
  return (
    <Alert color="red" variant="light" role="alert" title="The audit log was changed" data-testid="audit-verdict">
      <Text size="sm" fw={600} data-testid="audit-broken-entry">
        Entry #{verdict.entryId}
        {verdict.at === null ? ' (removed)' : `, written ${formatDateTime(verdict.at)}`}
        {verdict.words === null ? '' : `: “${verdict.words}”`}
      </Text>
      <Text size="sm">{verdict.message}</Text>
    </Alert>
  );
}

function EntryDetail({ entry }: { entry: AuditEntry }) {
  return (
    <Paper withBorder p="sm" data-testid="audit-detail">
      <Stack gap="xs">
        <Text fw={600}>
          Entry #{entry.id}: {entry.words}
        </Text>
        <Text size="sm">
          {who(entry)}, <When at={entry.at} />
        </Text>
        {entry.changes.length === 0 ? (
          <Text size="sm" c="dimmed">
            This entry records no before and after.
          </Text>
        ) : (
          <Table aria-label="Before and after" data-testid="audit-changes">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>What</Table.Th>
                <Table.Th>Before</Table.Th>
                <Table.Th>After</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entry.changes.map((change) => (
                <Table.Tr key={change.field} data-testid="audit-change">
                  <Table.Td>{change.field}</Table.Td>
                  <Table.Td>{change.before}</Table.Td>
                  <Table.Td>→ {change.after}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Text size="xs" c="dimmed">
          {entry.action} · {entry.entity}
          {entry.entityId === null ? '' : ` #${entry.entityId}`}
        </Text>
        <Code block>{entry.details}</Code>
      </Stack>
    </Paper>
  );
}

export function Audit() {
  const [days, setDays] = useState<DayRange>({});
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [entity, setEntity] = useState('');
  const [entityId, setEntityId] = useState('');
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search, 300);
  const [debouncedEntityId] = useDebouncedValue(entityId, 300);
  const [page, setPage] = useState(1);
  const [openId, setOpenId] = useState<number | undefined>(undefined);
  const [exporting, setExporting] = useState<'csv' | 'xlsx' | undefined>(undefined);
  const [checking, setChecking] = useState(false);
  const [verdict, setVerdict] = useState<AuditVerdict | undefined>(undefined);

  const filter: AuditFilter = {
    ...(days.from === undefined ? {} : { from: days.from }),
    ...(days.to === undefined ? {} : { to: days.to }),
    ...(actor === '' ? {} : { actor }),
    ...(action === '' ? {} : { action }),
    ...(entity === '' ? {} : { entity }),
    ...(debouncedEntityId.trim() === '' ? {} : { entityId: debouncedEntityId.trim() }),
    ...(debouncedSearch.trim() === '' ? {} : { search: debouncedSearch.trim() }),
  };
  const log = useContractQuery('audit.list', { filter, limit: pageSize, offset: (page - 1) * pageSize });
  const entries = log.value?.entries ?? [];
  const pages = Math.max(1, Math.ceil((log.value?.total ?? 0) / pageSize));
  const open = entries.find((entry) => entry.id === openId);

  // Any change of filter shows its first page.
  function filtered<T>(apply: (value: T) => void): (value: T) => void {
    return (value) => {
      setPage(1);
      apply(value);
    };
  }

  async function exportLog(format: 'csv' | 'xlsx') {
    setExporting(format);
    try {
      deliverFile(await call('audit.export', { filter, format }));
    } catch (error) {
      showProblem('Not exported', error);
    } finally {
      setExporting(undefined);
    }
  }

  async function checkChain() {
    setChecking(true);
    try {
      setVerdict(await call('audit.verify', {}));
    } catch (error) {
      showProblem('The audit log was not checked', error);
    } finally {
      setChecking(false);
    }
  }

  const actorChoices = [
    { value: '', label: 'Everyone' },
    ...(log.value?.actors ?? []).map((a) => ({ value: a.actor, label: who(a) })),
  ];
  const actionChoices = [
    { value: '', label: 'Every action' },
    ...(log.value?.actions ?? []).map((a) => ({ value: a, label: a })),
  ];
  const entityChoices = [
    { value: '', label: 'Anything' },
    ...Object.entries(entityKinds).map(([value, label]) => ({ value, label })),
  ];

  return (
    <Stack data-testid="audit" gap="sm">
      <Group justify="space-between">
        <Title order={2}>Audit log</Title>
        <Group>
          <Button onClick={() => void checkChain()} loading={checking} data-testid="audit-verify">
            Check the chain now
          </Button>
          <Button
            variant="default"
            onClick={() => void exportLog('csv')}
            loading={exporting === 'csv'}
            data-testid="export-audit-csv"
          >
            Export CSV
          </Button>
          <Button
            variant="default"
            onClick={() => void exportLog('xlsx')}
            loading={exporting === 'xlsx'}
            data-testid="export-audit-xlsx"
          >
            Export Excel
          </Button>
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        Everything done in this profile, by whom and when, newest first. Each entry is sealed with the profile&apos;s
        key from the keychain, so an entry changed outside Mshahara is found.
      </Text>
      {verdict && <VerdictAlert verdict={verdict} />}
      <Group gap="sm" align="flex-end">
        <TextInput
          label="Search"
          placeholder="Name, action or detail"
          value={search}
          onChange={(event) => filtered(setSearch)(event.currentTarget.value)}
          w={200}
          data-testid="audit-search"
        />
        <NativeSelect
          label="Who"
          value={actor}
          onChange={(event) => filtered(setActor)(event.currentTarget.value)}
          data={actorChoices}
          w={200}
          data-testid="audit-actor"
        />
        <NativeSelect
          label="What"
          value={action}
          onChange={(event) => filtered(setAction)(event.currentTarget.value)}
          data={actionChoices}
          w={230}
          data-testid="audit-action"
        />
        <NativeSelect
          label="About"
          value={entity}
          onChange={(event) => filtered(setEntity)(event.currentTarget.value)}
          data={entityChoices}
          w={160}
          data-testid="audit-entity"
        />
        <TextInput
          label="Number"
          placeholder="e.g. 12"
          value={entityId}
          onChange={(event) => filtered(setEntityId)(event.currentTarget.value)}
          w={90}
          data-testid="audit-entity-id"
        />
        <DateRangeFilter value={days} onChange={filtered(setDays)} testId="audit" />
      </Group>
      <Text size="sm" data-testid="audit-count">
        {log.value === undefined ? 'Counting…' : formatCount(log.value.total, 'entry', 'entries')}
      </Text>
      <Problem error={log.error} title="The audit log could not load" />
      {entries.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="audit-empty">
          {emptyWords(log, 'No audit entries match.')}
        </Text>
      ) : (
        <Table striped highlightOnHover aria-label="Audit log" data-testid="audit-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>When</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>What</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map((entry) => (
              <Table.Tr key={entry.id} data-testid="audit-row" aria-selected={entry.id === openId}>
                <Table.Td>{entry.id}</Table.Td>
                <Table.Td>
                  <When at={entry.at} />
                </Table.Td>
                <Table.Td>{who(entry)}</Table.Td>
                <Table.Td>
                  <Anchor
                    component="button"
                    type="button"
                    size="sm"
                    onClick={() => setOpenId(entry.id === openId ? undefined : entry.id)}
                  >
                    {entry.words}
                  </Anchor>
                  {entry.changes.length > 0 && (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      ({entry.changes.map((c) => c.field).join(', ')})
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {open && <EntryDetail entry={open} />}
      {pages > 1 && <Pagination value={page} onChange={setPage} total={pages} aria-label="Pages" />}
    </Stack>
  );
}
