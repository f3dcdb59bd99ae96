// Failed payments: every try M-Pesa refused, for a range of Nairobi days, one run or all, with why
// in plain words and what became of the line (paid on a later try, retried, still unpaid,
// cancelled). The ledger lists only money that moved; this is where the refusals are.
import {
  Anchor,
  Badge,
  Button,
  Group,
  NativeSelect,
  Pagination,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import type { FailedPaymentOutcome, FailedPaymentRow, FailedPaymentsFilter } from '../../shared/contract';
import { formatCount } from '../../shared/format';
import { formatMsisdn } from '../../shared/phone';
import { call } from '../api';
import { DateRangeFilter } from '../components/DateRangeFilter';
import { Money } from '../components/Money';
import { showProblem } from '../components/notify';
import { Problem } from '../components/Problem';
import { When } from '../components/When';
import type { DayRange } from '../lib/date-presets';
import { deliverFile } from '../lib/produced-file';
import { emptyWords, useContractQuery } from '../lib/queries';
import { useNavigation } from '../stores/navigation';

const pageSize = 100;

const outcomes: Record<FailedPaymentOutcome, { word: string; colour: string }> = {
  paid: { word: 'Paid', colour: 'teal' },
  retry_waiting: { word: 'Retrying', colour: 'blue' },
  retry_sending: { word: 'Retrying', colour: 'blue' },
  unpaid: { word: 'Unpaid', colour: 'red' },
  cancelled: { word: 'Cancelled', colour: 'gray' },
};

function FailedRow({ row, onOpenRun }: { row: FailedPaymentRow; onOpenRun(runId: number): void }) {
  return (
    <Table.Tr data-testid="failed-row" data-attempt={row.attemptId}>
      <Table.Td>
        <When at={row.failedAt} />
      </Table.Td>
      <Table.Td>
        <Anchor component="button" type="button" size="sm" onClick={() => onOpenRun(row.runId)}>
          {row.runTitle}
        </Anchor>
        {row.runPeriod !== null && (
          <Text size="xs" c="dimmed">
            {row.runPeriod}
          </Text>
        )}
      </Table.Td>
      <Table.Td>{row.reference ?? ''}</Table.Td>
      <Table.Td data-testid="failed-name">{row.name}</Table.Td>
      <Table.Td>{formatMsisdn(row.phone)}</Table.Td>
      <Table.Td ta="right">
        <Money cents={row.amountCents} />
      </Table.Td>
      <Table.Td ta="center">{row.attemptNumber}</Table.Td>
      <Table.Td data-testid="failed-reason">
        <Text size="sm">{row.reason.message}</Text>
        {row.reason.code !== null && (
          <Text size="xs" c="dimmed">
            Code {row.reason.code}
          </Text>
        )}
      </Table.Td>
      <Table.Td data-testid="failed-next" data-outcome={row.next.outcome}>
        <Badge color={outcomes[row.next.outcome].colour} variant="light" size="sm" mb={2}>
          {outcomes[row.next.outcome].word}
        </Badge>
        <Text size="sm">{row.next.words}</Text>
      </Table.Td>
    </Table.Tr>
  );
}

export function FailedPayments() {
  // The run is in the URL (#/failed/12), so the run screen can link here and a reload keeps it.
  const runId = useNavigation((state) => state.runId);
  const openFailedPayments = useNavigation((state) => state.openFailedPayments);
  const openRun = useNavigation((state) => state.openRun);
  const [days, setDays] = useState<DayRange>({});
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search, 300);
  const [page, setPage] = useState(1);
  const [exporting, setExporting] = useState<'csv' | 'xlsx' | undefined>(undefined);

  const filter: FailedPaymentsFilter = {
    ...(days.from === undefined ? {} : { from: days.from }),
    ...(days.to === undefined ? {} : { to: days.to }),
    ...(runId === undefined ? {} : { runId }),
    ...(debouncedSearch.trim() === '' ? {} : { search: debouncedSearch.trim() }),
  };
  const report = useContractQuery('reports.failedPayments', {
    filter,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  const runs = useContractQuery('runs.list', { limit: 500, offset: 0 });
  const rows = report.value?.rows ?? [];
  const totals = report.value?.totals;
  const pages = Math.max(1, Math.ceil((report.value?.total ?? 0) / pageSize));

  // Any change of filter shows its first page.
  function filtered<T>(apply: (value: T) => void): (value: T) => void {
    return (value) => {
      setPage(1);
      apply(value);
    };
  }

  async function exportReport(format: 'csv' | 'xlsx') {
    setExporting(format);
    try {
      deliverFile(await call('reports.failedPaymentsExport', { filter, format }));
    } catch (error) {
      showProblem('Not exported', error);
    } finally {
      setExporting(undefined);
    }
  }

  const runChoices = [
    { value: '', label: 'All runs' },
    ...(runs.value?.runs ?? []).map((run) => ({ value: String(run.id), label: `${run.title} (#${run.id})` })),
  ];
  if (runId !== undefined && !runChoices.some((choice) => choice.value === String(runId)))
    runChoices.push({ value: String(runId), label: `Run #${runId}` });

  return (
    <Stack data-testid="failed" gap="sm">
      <Group justify="space-between">
        <Title order={2}>Failed payments</Title>
        <Group>
          <Button
            variant="default"
            onClick={() => void exportReport('csv')}
            loading={exporting === 'csv'}
            data-testid="export-failed-csv"
          >
            Export CSV
          </Button>
          <Button
            variant="default"
            onClick={() => void exportReport('xlsx')}
            loading={exporting === 'xlsx'}
            data-testid="export-failed-xlsx"
          >
            Export Excel
          </Button>
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        Every payment M-Pesa refused, each try on its own line, with what happened to it afterwards. The ledger lists
        only money that moved.
      </Text>
      <Group gap="sm" align="flex-end">
        <TextInput
          label="Search"
          placeholder="Name, phone, run or reference"
          value={search}
          onChange={(event) => filtered(setSearch)(event.currentTarget.value)}
          w={230}
          data-testid="failed-search"
        />
        <NativeSelect
          label="Run"
          value={runId === undefined ? '' : String(runId)}
          onChange={(event) =>
            filtered(openFailedPayments)(
              event.currentTarget.value === '' ? undefined : Number(event.currentTarget.value),
            )
          }
          data={runChoices}
          w={240}
          data-testid="failed-run"
        />
        <DateRangeFilter value={days} onChange={filtered(setDays)} testId="failed" />
      </Group>
      <Group gap="xl" data-testid="failed-totals">
        <Text size="sm" data-testid="failed-count">
          {totals === undefined ? 'Counting…' : formatCount(totals.failedTries, 'failed try', 'failed tries')}
        </Text>
        {totals && (
          <>
            <Text size="sm">
              Tried to send <Money cents={totals.failedCents} fw={600} data-testid="failed-total" />
            </Text>
            <Text size="sm">
              Still unpaid: {formatCount(totals.unpaidLines, 'payment')},{' '}
              <Money
                cents={totals.unpaidCents}
                fw={600}
                c={totals.unpaidCents > 0 ? 'red.8' : undefined}
                data-testid="failed-unpaid"
              />
            </Text>
          </>
        )}
      </Group>
      <Problem error={report.error} title="The failed payments could not load" />
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="failed-empty">
          {emptyWords(report, 'No failed payments match.')}
        </Text>
      ) : (
        <Table striped highlightOnHover aria-label="Failed payments" data-testid="failed-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Failed at</Table.Th>
              <Table.Th>Run</Table.Th>
              <Table.Th>Reference</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Phone</Table.Th>
              <Table.Th ta="right">Amount</Table.Th>
              <Table.Th ta="center">Try</Table.Th>
              <Table.Th>Why it failed</Table.Th>
              <Table.Th>What happened next</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <FailedRow key={row.attemptId} row={row} onOpenRun={openRun} />
            ))}
          </Table.Tbody>
        </Table>
      )}
      {pages > 1 && <Pagination value={page} onChange={setPage} total={pages} aria-label="Pages" />}
    </Stack>
  );
}
