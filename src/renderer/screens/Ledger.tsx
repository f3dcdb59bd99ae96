// Ledger: every money movement in one virtualized table that stays smooth at a million rows —
// filters, search, totals of the filtered set, a detail drawer with the raw callback, export.
import { Alert, Button, Group, MultiSelect, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useCallback, useEffect, useState } from 'react';
import type { LedgerRow } from '../../shared/contract';
import { transactionKinds, transactionStatuses } from '../../shared/contract-values';
import { formatCount } from '../../shared/format';
import { formatKesWithCurrency, shillingsText } from '../../shared/money';
import { formatMsisdn } from '../../shared/phone';
import { matchesSearch } from '../../shared/search-fold';
import { call } from '../api';
import { DateRangeFilter } from '../components/DateRangeFilter';
import { Money } from '../components/Money';
import { MoneyInput, readShillings } from '../components/MoneyInput';
import { showProblem } from '../components/notify';
import { Problem } from '../components/Problem';
import { VirtualTable, type Column } from '../components/VirtualTable';
import { When } from '../components/When';
import { chargeBasisTitles, chargeBasisWords } from '../lib/charge-basis';
import type { DayRange } from '../lib/date-presets';
import { deliverFile } from '../lib/produced-file';
import { emptyWords, useContractQuery } from '../lib/queries';
import { rowAt, useLedger, type LedgerFilterInput } from '../stores/ledger';
import { useNavigation } from '../stores/navigation';
import { LedgerDetail } from './LedgerDetail';
import { useMayCall } from '../stores/session';

export const kindWords: Record<LedgerRow['kind'], string> = {
  b2c_payment: 'Salary payout',
  c2b_payment: 'Payment received',
  stk_payment: 'STK payment',
  reversal: 'Reversal',
  refund: 'Refund',
};

const columns: Column<LedgerRow>[] = [
  { key: 'when', header: 'When', width: '150px', render: (row) => <When at={row.occurredAt} /> },
  {
    key: 'receipt',
    header: 'Receipt',
    width: '135px',
    render: (row) => <span data-testid="ledger-receipt">{row.receipt ?? ''}</span>,
  },
  {
    key: 'kind',
    header: 'Kind',
    width: '120px',
    render: (row) =>
      row.reversedBy ? (
        <span data-testid="ledger-reversed" title={`Reversed by ${row.reversedBy.receipt ?? 'M-Pesa'}`}>
          Reversed · {kindWords[row.kind]}
        </span>
      ) : (
        kindWords[row.kind]
      ),
  },
  {
    key: 'name',
    header: 'Name',
    width: '1.2fr',
    render: (row) => <span data-testid="ledger-name">{row.partyName ?? ''}</span>,
  },
  {
    key: 'phone',
    header: 'Phone',
    width: '120px',
    render: (row) => <span data-testid="ledger-phone">{row.phone ? formatMsisdn(row.phone) : ''}</span>,
  },
  // Plain elements in the cells, not Mantine components: a fast scroll redraws dozens of rows a frame.
  {
    key: 'amount',
    header: 'Amount',
    width: '150px',
    align: 'right',
    render: (row) => (
      <span className="money" data-testid="ledger-amount" data-cents={row.amountCents}>
        {formatKesWithCurrency(row.direction === 'out' ? -row.amountCents : row.amountCents)}
      </span>
    ),
  },
  {
    key: 'status',
    header: 'Status',
    width: '110px',
    render: (row) => (
      <span className={row.status === 'completed' ? 'pill pill-ok' : 'pill pill-bad'}>
        {row.status === 'completed' ? 'Completed' : 'Failed'}
      </span>
    ),
  },
  {
    key: 'charge',
    header: 'Charge',
    width: '165px',
    align: 'right',
    render: (row) =>
      row.chargeCents === null ? (
        ''
      ) : (
        <span
          data-testid="ledger-charge"
          data-basis={row.chargeBasis ?? ''}
          title={chargeBasisTitles[row.chargeBasis ?? 'reported']}
        >
          <span className="money">{formatKesWithCurrency(row.chargeCents)}</span>{' '}
          <span className={`basis basis-${row.chargeBasis ?? 'reported'}`}>
            {chargeBasisWords[row.chargeBasis ?? 'reported']}
          </span>
        </span>
      ),
  },
  {
    key: 'run',
    header: 'Payroll run · reference',
    width: '1.2fr',
    render: (row) =>
      row.runTitle === null ? (
        ''
      ) : (
        <span data-testid="ledger-run">
          {row.runTitle}
          {row.reference !== null && <span className="dim"> · {row.reference}</span>}
        </span>
      ),
  },
];

/** A filter field's text: its value when it reads, nothing while empty, and why not when it does not. */
function amountBound(text: string): { cents?: number; reason?: string } {
  const read = readShillings(text);
  return 'reason' in read ? { reason: read.reason } : read.cents === null ? {} : { cents: read.cents };
}

/** The table alone follows the page cache, so a page arriving redraws rows, not the filters. */
function LedgerTable({ total, onOpen }: { total: number | undefined; onOpen(row: LedgerRow): void }) {
  const pages = useLedger((state) => state.pages);
  const ensureRange = useLedger((state) => state.ensureRange);
  const problem = useLedger((state) => state.problem);
  const getRow = useCallback((index: number) => rowAt(pages, index), [pages]);
  return (
    <VirtualTable
      label="Ledger"
      columns={columns}
      rowCount={total ?? 0}
      getRow={getRow}
      onRangeChange={ensureRange}
      onRowClick={onOpen}
      height="calc(100vh - 250px)"
      testId="ledger-table"
      empty={emptyWords({ value: total, error: problem }, 'No transactions match.')}
    />
  );
}

export function Ledger() {
  // One selector each: a page arriving redraws the table, nothing else in the store does.
  const total = useLedger((state) => state.total);
  const totals = useLedger((state) => state.totals);
  const problem = useLedger((state) => state.problem);
  const filter = useLedger((state) => state.filter);
  const sort = useLedger((state) => state.sort);
  const setFilter = useLedger((state) => state.setFilter);
  const [days, setDays] = useState<DayRange>({ from: filter.from, to: filter.to });
  const [kinds, setKinds] = useState<string[]>(filter.kinds ?? []);
  const [statuses, setStatuses] = useState<string[]>(filter.statuses ?? []);
  const [minAmount, setMinAmount] = useState(shillingsText(filter.minCents));
  const [maxAmount, setMaxAmount] = useState(shillingsText(filter.maxCents));
  // A bound that does not read yet (half typed) filters nothing and says why beside its field.
  const bounds = { min: amountBound(minAmount), max: amountBound(maxAmount) };
  const [search, setSearch] = useState(filter.search ?? '');
  const [runId, setRunId] = useState<number | undefined>(filter.runId);
  const runs = useContractQuery('runs.list', { limit: 500, offset: 0 });
  const [debouncedSearch] = useDebouncedValue(search, 300);
  // The open transaction lives in the URL (#/ledger/345): a reload keeps it open.
  const open = useNavigation((state) => state.ledgerId);
  const openLedgerRow = useNavigation((state) => state.openLedgerRow);
  const openFailedPayments = useNavigation((state) => state.openFailedPayments);
  const [exporting, setExporting] = useState<string | undefined>(undefined);
  // Exports of the books are the accountant's and the auditor's (docs/roles.md).
  const mayExport = useMayCall('ledger.export');

  const [fromDay, toDay, minCents, maxCents] = [days.from, days.to, bounds.min.cents, bounds.max.cents];
  useEffect(() => {
    const next: LedgerFilterInput = {
      from: fromDay,
      to: toDay,
      kinds: kinds.length ? (kinds as LedgerFilterInput['kinds']) : undefined,
      statuses: statuses.length ? (statuses as LedgerFilterInput['statuses']) : undefined,
      minCents,
      maxCents,
      search: debouncedSearch.trim() || undefined,
      runId,
    };
    setFilter(next);
  }, [fromDay, toDay, kinds, statuses, minCents, maxCents, debouncedSearch, runId, setFilter]);

  async function exportLedger(format: 'csv' | 'xlsx') {
    setExporting(format);
    try {
      deliverFile(await call('ledger.export', { filter, sort, format }));
    } catch (error) {
      showProblem('Not exported', error);
    } finally {
      setExporting(undefined);
    }
  }

  return (
    <Stack data-testid="ledger" gap="sm">
      <Group justify="space-between">
        <Title order={2}>Ledger</Title>
        {mayExport && (
          <Group>
            <Button
              variant="default"
              onClick={() => void exportLedger('csv')}
              loading={exporting === 'csv'}
              data-testid="export-ledger-csv"
            >
              Export CSV
            </Button>
            <Button variant="default" onClick={() => void exportLedger('xlsx')} loading={exporting === 'xlsx'}>
              Export Excel
            </Button>
          </Group>
        )}
      </Group>
      <Group gap="sm" align="flex-end">
        <TextInput
          label="Search"
          placeholder="Receipt, phone, name, run or reference"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={250}
          data-testid="ledger-search"
        />
        <Select
          label="Payroll run"
          placeholder="Any"
          data={(runs.value?.runs ?? []).map((run) => ({
            value: String(run.id),
            label: `#${run.id} ${run.title}${run.period === null ? '' : ` (${run.period})`}`,
          }))}
          value={runId === undefined ? null : String(runId)}
          onChange={(value) => setRunId(value === null ? undefined : Number(value))}
          searchable
          filter={({ options, search: typed }) =>
            options.filter((option) => 'label' in option && matchesSearch(option.label, typed))
          }
          nothingFoundMessage="No run matches"
          clearable
          w={230}
          data-testid="ledger-run-filter"
        />
        <DateRangeFilter value={days} onChange={setDays} testId="ledger" />
        <MultiSelect
          label="Kind"
          placeholder="Any"
          data={transactionKinds.map((kind) => ({ value: kind, label: kindWords[kind] }))}
          value={kinds}
          onChange={setKinds}
          w={190}
          clearable
        />
        <MultiSelect
          label="Status"
          placeholder="Any"
          data={transactionStatuses.map((status) => ({
            value: status,
            label: status === 'completed' ? 'Completed' : 'Failed',
          }))}
          value={statuses}
          onChange={setStatuses}
          data-testid="ledger-status"
          w={170}
          clearable
        />
        <MoneyInput
          label="Lowest KES"
          value={minAmount}
          onChange={setMinAmount}
          error={bounds.min.reason}
          w={150}
          data-testid="ledger-min"
        />
        <MoneyInput
          label="Highest KES"
          value={maxAmount}
          onChange={setMaxAmount}
          error={bounds.max.reason}
          w={150}
          data-testid="ledger-max"
        />
      </Group>
      <Group gap="xl" data-testid="ledger-totals">
        <Text size="sm" data-testid="ledger-count" data-total={total ?? ''}>
          {total === undefined ? 'Counting…' : formatCount(total, 'transaction')}
        </Text>
        {totals && (
          <>
            <Text size="sm">
              Paid out <Money cents={totals.outCents} fw={600} data-testid="ledger-total-out" />
            </Text>
            <Text size="sm">
              Received <Money cents={totals.inCents} fw={600} />
            </Text>
            <Text size="sm" data-testid="ledger-total-charges">
              Charges <Money cents={totals.chargesCents} fw={600} />
              {totals.estimatedChargesCents > 0 && (
                <Text span size="sm" c="dimmed">
                  {' '}
                  (<Money cents={totals.estimatedChargesCents} /> of it estimated until the statement is imported)
                </Text>
              )}
            </Text>
          </>
        )}
      </Group>
      {statuses.includes('failed') && (
        <Alert color="blue" variant="light" data-testid="ledger-failed-hint">
          <Group justify="space-between">
            <Text size="sm">
              A salary payout M-Pesa refused moved no money, so it is not a ledger row. Every refused try, with why and
              what happened next, is in Failed payments.
            </Text>
            <Button size="compact-sm" variant="light" onClick={() => openFailedPayments(runId)}>
              Open Failed payments
            </Button>
          </Group>
        </Alert>
      )}
      <Problem error={problem} title="The ledger could not load" />
      <LedgerTable total={total} onOpen={(row) => openLedgerRow(row.id)} />
      {open !== undefined && <LedgerDetail id={open} onClose={() => openLedgerRow(undefined)} />}
    </Stack>
  );
}
