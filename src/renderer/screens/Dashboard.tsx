// Dashboard: the float on the M-Pesa accounts, this month's payouts, how many succeed, what needs
// a person (and which runs hold it), and payouts per day. Redraws itself when a new balance or new
// ledger rows arrive (lib/queries.ts says which events refresh it).
import { Alert, Button, Card, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { lazy, Suspense, useEffect } from 'react';
import type { MethodOutput } from '../../shared/contract';
import { formatCount, formatMoney, formatMonth, formatNumber } from '../../shared/format';
import { LowFloatWarning } from '../components/LowFloatWarning';
import { Money } from '../components/Money';
import { Problem } from '../components/Problem';
import { When } from '../components/When';
import { useContractMutation, useContractQuery } from '../lib/queries';
import { useNavigation } from '../stores/navigation';
import { isDisplayStatus, statusWords } from './run/status';
import { showProblem } from '../components/notify';

const PayoutsChart = lazy(() => import('../components/PayoutsChart'));

function Figure({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <Card withBorder padding="md">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text component="div" size="xl" fw={650} data-testid={testId}>
        {children}
      </Text>
    </Card>
  );
}

// The account a payroll officer watches first: the one B2C payments come out of.
const accountOrder = ['Utility Account', 'Working Account', 'Charges Paid Account'];

function sortAccounts<T extends { account: string }>(accounts: readonly T[]): T[] {
  const rank = (name: string) => (accountOrder.includes(name) ? accountOrder.indexOf(name) : accountOrder.length);
  return [...accounts].sort((a, b) => rank(a.account) - rank(b.account));
}

/** The runs with payments or findings waiting for a person, most waiting first. */
function runsNeedingAttention(
  work: MethodOutput<'runs.attention'> | undefined,
): Array<{ runId: number; items: number; findings: number }> {
  const byRun = new Map<number, { runId: number; items: number; findings: number }>();
  const entry = (runId: number) => {
    let found = byRun.get(runId);
    if (found === undefined) byRun.set(runId, (found = { runId, items: 0, findings: 0 }));
    return found;
  };
  for (const item of work?.items ?? []) entry(item.runId).items += 1;
  for (const finding of work?.findings ?? []) entry(finding.runId).findings += 1;
  return [...byRun.values()].sort((a, b) => b.findings + b.items - (a.findings + a.items) || b.runId - a.runId);
}

function runTitle(recentRuns: ReadonlyArray<{ id: number; title: string }>, runId: number): string {
  return recentRuns.find((run) => run.id === runId)?.title ?? `Run #${runId}`;
}

function attentionWords(items: number, findings: number): string {
  const parts = [];
  if (items > 0) parts.push(`${formatNumber(items)} to settle`);
  if (findings > 0) parts.push(formatCount(findings, 'finding'));
  return parts.join(', ');
}

export function Dashboard() {
  const summary = useContractQuery('dashboard.summary', {});
  const work = useContractQuery('runs.attention', {});
  const balance = useContractMutation('balance.refresh');
  const go = useNavigation((state) => state.go);
  const openRun = useNavigation((state) => state.openRun);

  const ready = summary.value !== undefined;
  useEffect(() => {
    // For bench:ui — the first frame that shows the dashboard's figures.
    if (ready) requestAnimationFrame(() => performance.mark('dashboard-painted'));
  }, [ready]);

  async function refreshBalance() {
    try {
      const answer = await balance.mutateAsync({});
      notifications.show({ message: answer.message, color: answer.requested ? 'teal' : 'yellow' });
    } catch (error) {
      showProblem('The balance was not asked for', error);
    }
  }

  const value = summary.value;
  return (
    <Stack data-testid="dashboard">
      <Group justify="space-between">
        <Title order={2}>Dashboard</Title>
        <Button variant="light" onClick={() => void refreshBalance()} loading={balance.isPending}>
          Refresh balance
        </Button>
      </Group>
      {value?.auditAlarm && (
        <Alert
          color="red"
          variant="filled"
          title="The audit log was changed outside Mshahara"
          role="alert"
          data-testid="audit-alarm"
        >
          {value.auditAlarm.message}
        </Alert>
      )}
      <Problem error={summary.error} title="The dashboard could not load" />
      {value?.paymentsHeld && (
        <Alert
          color="orange"
          variant="filled"
          title="Payments are held: no answers from M-Pesa"
          role="alert"
          data-testid="payments-held"
        >
          {value.paymentsHeld}
        </Alert>
      )}
      <LowFloatWarning />
      {value && (
        <>
          <section aria-label="Float">
            <Group justify="space-between" mb={4}>
              <Text size="sm" c="dimmed">
                Float{' '}
                {value.float.observedAt ? (
                  <>
                    as M-Pesa reported it <When at={value.float.observedAt} />
                  </>
                ) : (
                  '— M-Pesa has not reported a balance yet'
                )}
              </Text>
              <Button size="compact-sm" variant="subtle" onClick={() => go('float')} data-testid="open-float-history">
                How the float moved
              </Button>
            </Group>
            <div className="grid-4">
              {value.float.accounts.length === 0 && <Figure label="Utility account">—</Figure>}
              {sortAccounts(value.float.accounts).map((account) => (
                <Figure key={account.account} label={account.account} testId={`float-${account.account}`}>
                  <Money cents={account.availableCents} />
                </Figure>
              ))}
            </div>
          </section>
          <div className="grid-3">
            <Figure label={`Paid in ${formatMonth(value.month.label)}`} testId="month-paid">
              <Money cents={value.month.paidCents} />
              <Text component="div" size="sm" c="dimmed">
                {formatCount(value.month.paidCount, 'payment')}, charges {formatMoney(value.month.chargesCents)}
                {value.month.estimatedChargesCents > 0 &&
                  ` (${formatMoney(value.month.estimatedChargesCents)} estimated until the statement is imported)`}
              </Text>
            </Figure>
            <Figure label="Success rate, last 30 days" testId="success-rate">
              {value.successRate === null ? '—' : `${(value.successRate * 100).toFixed(1)}%`}
            </Figure>
            <Card withBorder padding="md">
              <Text size="sm" c="dimmed">
                Needs attention
              </Text>
              <Text
                size="xl"
                fw={650}
                c={value.needsAttention.total > 0 ? 'orange.8' : undefined}
                data-testid="needs-attention"
              >
                {formatNumber(value.needsAttention.total)}
              </Text>
              <Text size="sm" c="dimmed" data-testid="needs-attention-parts">
                {formatNumber(value.needsAttention.unknownPayouts)} unconfirmed,{' '}
                {formatNumber(value.needsAttention.failedPayouts)} failed,{' '}
                {formatCount(value.needsAttention.inbox, 'callback')}
                {value.needsAttention.findings > 0 ? '' : ', no findings'}
              </Text>
              {value.needsAttention.paidButRecordedFailed > 0 && (
                <Button
                  size="compact-sm"
                  color="red"
                  variant="light"
                  onClick={() => go('reconcile')}
                  data-testid="needs-attention-statement"
                >
                  {formatCount(value.needsAttention.paidButRecordedFailed, 'payment')} on the M-Pesa statement that
                  Mshahara recorded as failed
                </Button>
              )}
              {value.needsAttention.findings > 0 && (
                <Text size="sm" c="red.8" fw={600} data-testid="needs-attention-findings">
                  {formatCount(value.needsAttention.findings, 'finding')}: money moved against the record
                </Text>
              )}
              <Stack gap={0} align="flex-start">
                {runsNeedingAttention(work.value).map((waiting) => (
                  <Button
                    key={waiting.runId}
                    size="compact-sm"
                    variant="subtle"
                    onClick={() => openRun(waiting.runId)}
                    data-testid="attention-run-link"
                    data-run-id={waiting.runId}
                  >
                    {runTitle(value.recentRuns, waiting.runId)}: {attentionWords(waiting.items, waiting.findings)}
                  </Button>
                ))}
                {value.needsAttention.inbox > 0 && (
                  <Button size="compact-sm" variant="subtle" onClick={() => go('inbox')}>
                    Open the inbox
                  </Button>
                )}
              </Stack>
            </Card>
          </div>
          <Card withBorder padding="md">
            <Title order={3} size="h5" mb="sm">
              Payouts per day, last 30 days (KES)
            </Title>
            <Suspense fallback={<Loader size="sm" aria-label="Loading the chart" />}>
              <PayoutsChart days={value.payoutsPerDay} />
            </Suspense>
          </Card>
          <Card withBorder padding="md">
            <Title order={3} size="h5" mb="sm">
              Recent payroll runs
            </Title>
            {value.recentRuns.length === 0 ? (
              <Text c="dimmed">No payroll runs yet.</Text>
            ) : (
              <Table highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Run</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th ta="right">Total</Table.Th>
                    <Table.Th>Created</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {value.recentRuns.map((run) => (
                    <Table.Tr key={run.id}>
                      <Table.Td>
                        <Button variant="subtle" size="compact-sm" onClick={() => openRun(run.id)}>
                          {run.title}
                        </Button>
                      </Table.Td>
                      <Table.Td>
                        {isDisplayStatus(run.displayStatus) ? statusWords(run.displayStatus) : run.displayStatus}
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money cents={run.amountCents} />
                      </Table.Td>
                      <Table.Td>
                        <When at={run.createdAt} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Card>
        </>
      )}
    </Stack>
  );
}
