// The float's history: every balance M-Pesa reported for an account (Utility first), over a chosen
// period of Nairobi days, charted with each point's lowest and last balance, listed below for those
// who do not read charts, and exported as CSV. The low-float warning and its level are shown with it.
import { Button, Card, Group, Loader, ScrollArea, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { lazy, Suspense, useState } from 'react';
import type { MethodOutput } from '../../shared/contract';
import { formatCount, formatDateTime, formatDay, formatMoney } from '../../shared/format';
import { formatKesWithCurrency } from '../../shared/money';
import { DateRangeFilter } from '../components/DateRangeFilter';
import { LowFloatWarning } from '../components/LowFloatWarning';
import { Money } from '../components/Money';
import { Problem } from '../components/Problem';
import { presetRange, type DayRange } from '../lib/date-presets';
import { useContractQuery } from '../lib/queries';

const FloatChart = lazy(() => import('../components/FloatChart'));

type History = MethodOutput<'float.history'>;

/** How long one point covers, in words: "each point is 3 hours". */
function bucketWords(seconds: number): string {
  if (seconds % 86_400 === 0) return formatCount(seconds / 86_400, 'day');
  if (seconds >= 3600) return `${Math.round((seconds / 3600) * 10) / 10} hours`;
  if (seconds >= 60) return `${Math.round(seconds / 60)} minutes`;
  return formatCount(seconds, 'second');
}

/** The points as CSV (one line per point), for a spreadsheet. */
function pointsCsv(history: History): string {
  const rows = [['Last report (Nairobi)', 'Account', 'Balance (KES)', 'Lowest (KES)', 'Reports']];
  for (const point of history.points)
    rows.push([
      formatDateTime(point.at),
      history.account,
      (point.lastCents / 100).toFixed(2),
      (point.lowestCents / 100).toFixed(2),
      String(point.reports),
    ]);
  return rows.map((row) => row.map((cell) => `"${cell.replaceAll('"', '""')}"`).join(',')).join('\r\n');
}

function exportCsv(history: History): void {
  const url = URL.createObjectURL(new Blob([pointsCsv(history)], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `mshahara-float-${history.account.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${history.fromDay}-${history.toDay}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function FloatHistory({ now = () => new Date() }: { now?: () => Date }) {
  const [range, setRange] = useState<DayRange>(() => presetRange('last30Days', now()));
  const [account, setAccount] = useState<string | undefined>(undefined);
  const fromDay = range.from ?? presetRange('last30Days', now()).from;
  const toDay = range.to ?? presetRange('today', now()).to;
  const history = useContractQuery('float.history', { fromDay, toDay, ...(account ? { account } : {}) });
  const level = useContractQuery('float.warning', {}).value?.levelCents ?? null;
  const value = history.value;
  const lowest = value && value.points.length > 0 ? Math.min(...value.points.map((p) => p.lowestCents)) : null;
  const last = value?.points.at(-1) ?? null;

  return (
    <Stack data-testid="float">
      <Title order={2}>Float history</Title>
      <LowFloatWarning />
      <Card withBorder p="sm">
        <Group justify="space-between" align="flex-end" wrap="wrap">
          <DateRangeFilter value={range} onChange={setRange} testId="float-dates" now={now} />
          {value && value.accounts.length > 1 && (
            <SegmentedControl
              value={value.account}
              onChange={setAccount}
              data={value.accounts.map((name) => ({ value: name, label: name.replace(/ Account$/, '') }))}
              aria-label="Account"
              data-testid="float-account"
            />
          )}
        </Group>
      </Card>
      <Problem error={history.error} title="The float’s history could not load" />
      {value && (
        <>
          <div className="grid-3">
            <Card withBorder p="sm">
              <Text size="sm" c="dimmed">
                Last reported
              </Text>
              {last ? <Money cents={last.lastCents} fw={650} size="lg" data-testid="float-last" /> : <Text>—</Text>}
              {last && (
                <Text size="xs" c="dimmed">
                  {formatDateTime(last.at)}
                </Text>
              )}
            </Card>
            <Card withBorder p="sm">
              <Text size="sm" c="dimmed">
                Lowest in the period
              </Text>
              {lowest === null ? (
                <Text>—</Text>
              ) : (
                <Money cents={lowest} fw={650} size="lg" data-testid="float-lowest" />
              )}
            </Card>
            <Card withBorder p="sm">
              <Text size="sm" c="dimmed">
                Warned below
              </Text>
              <Text fw={650} size="lg" data-testid="float-level">
                {level === null ? 'No warning set' : formatKesWithCurrency(level)}
              </Text>
            </Card>
          </div>
          <Card withBorder p="md">
            <Group justify="space-between" mb="sm">
              <Title order={3} size="h5">
                {value.account}, {formatDay(value.fromDay)} to {formatDay(value.toDay)}
              </Title>
              <Text size="sm" c="dimmed">
                {formatCount(value.reports, 'balance')} reported by M-Pesa
                {value.points.length > 0 && `; each point is ${bucketWords(value.bucketSeconds)}`}
              </Text>
            </Group>
            {value.points.length === 0 ? (
              <Text c="dimmed" data-testid="float-empty">
                M-Pesa reported no balance of this account in this period.
              </Text>
            ) : (
              <Suspense fallback={<Loader size="sm" aria-label="Loading the chart" />}>
                <FloatChart points={value.points} levelCents={value.account === 'Utility Account' ? level : null} />
              </Suspense>
            )}
          </Card>
          {value.points.length > 0 && (
            <Card withBorder p="md">
              <Group justify="space-between" mb="xs">
                <Title order={3} size="h5">
                  The balances, point by point
                </Title>
                <Button variant="light" size="xs" onClick={() => exportCsv(value)} data-testid="float-export">
                  Export CSV
                </Button>
              </Group>
              <ScrollArea.Autosize mah={360}>
                <Table striped data-testid="float-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Last report</Table.Th>
                      <Table.Th ta="right">Balance</Table.Th>
                      <Table.Th ta="right">Lowest</Table.Th>
                      <Table.Th ta="right">Reports</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {[...value.points].reverse().map((point) => (
                      <Table.Tr key={point.at}>
                        <Table.Td>{formatDateTime(point.at)}</Table.Td>
                        <Table.Td ta="right">{formatMoney(point.lastCents)}</Table.Td>
                        <Table.Td ta="right" c={level !== null && point.lowestCents < level ? 'orange.8' : undefined}>
                          {formatMoney(point.lowestCents)}
                        </Table.Td>
                        <Table.Td ta="right">{point.reports}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea.Autosize>
            </Card>
          )}
        </>
      )}
    </Stack>
  );
}
