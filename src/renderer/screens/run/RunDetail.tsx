// One payroll run from review to results: approve (or wait for an approver), edit the draft, send
// once approved, watch it live, pause, resume or cancel, ask for and approve a retry, export. Progress comes from the core's run.progress events.
import { Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { MethodName, MethodOutput, RunView } from '../../../shared/contract';
import { call } from '../../api';
import { confirmMoneyMove } from '../../components/confirm-money';
import { showProblem } from '../../components/notify';
import { Money } from '../../components/Money';
import { Problem } from '../../components/Problem';
import { When } from '../../components/When';
import { deliverFile } from '../../lib/produced-file';
import { contractKey, useContractQuery } from '../../lib/queries';
import { useApp } from '../../stores/app';
import { useLedger } from '../../stores/ledger';
import { useNavigation } from '../../stores/navigation';
import { useRunProgress } from '../../stores/run-progress';
import { NeedsAttention } from './NeedsAttention';
import { DraftActions } from './DraftActions';
import { RetryFailed } from './RetryFailed';
import { RetryRequest } from './RetryRequest';
import { RunProgressBar } from './RunProgressBar';
import { RunResults } from './RunResults';
import { RunReview } from './RunReview';
import { statusColour, statusWords } from './status';
import { formatMoney, formatNumber } from '../../../shared/format';
import { mayCall, useSession } from '../../stores/session';

type RunAction = Extract<MethodName, 'runs.start' | 'runs.pause' | 'runs.resume' | 'runs.cancel'>;
type ExportFormat = 'csv' | 'xlsx';
type RetryPreview = MethodOutput<'runs.retryFailed'>;

export function RunDetail({ runId, onBack }: { runId: number; onBack(): void }) {
  // Sending, pausing and cancelling are the officer's; the approver only approves (docs/roles.md).
  const session = useSession((state) => state.session);
  const review = useContractQuery('runs.review', { runId });
  const progress = useRunProgress((state) => state.byRun[runId]);
  const remember = useRunProgress((state) => state.remember);
  const profile = useApp((state) => state.info?.profile);
  const openFailedPayments = useNavigation((state) => state.openFailedPayments);
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const client = useQueryClient();
  const go = useNavigation((state) => state.go);
  const [retry, setRetry] = useState<RetryPreview | undefined>(undefined);
  /** Keys of the duplicate warnings the approver has ticked on this screen. */
  const [ticked, setTicked] = useState<ReadonlySet<string>>(() => new Set());
  const run: RunView | undefined = review.value?.run;
  const { reload } = review;

  useEffect(() => {
    void call('runs.progress', { runId }).then(remember, () => undefined);
  }, [runId, remember]);
  // The review and results follow the run's progress and end by themselves (lib/queries.ts).

  /** Sending and resuming move money: the person confirms what will leave, from which account, first. */
  async function confirmed(method: RunAction): Promise<boolean> {
    if (!run) return false;
    if (method === 'runs.start')
      return confirmMoneyMove(
        { kind: 'send', amountCents: run.totals.amountCents, workers: run.totals.count },
        { title: 'Send the payments', confirmLabel: 'Send now' },
        profile,
      );
    if (method === 'runs.resume')
      return confirmMoneyMove(
        { kind: 'resume', payments: progress?.counts.queued ?? run.counts.queued },
        { title: 'Resume sending', confirmLabel: 'Resume sending' },
        profile,
      );
    return true;
  }

  async function act(method: RunAction, label: string) {
    if (!(await confirmed(method))) return;
    setBusy(method);
    try {
      await call(method, { runId });
      notifications.show({ message: label });
      await reload();
      remember(await call('runs.progress', { runId }));
    } catch (error) {
      showProblem('Not done', error);
    } finally {
      setBusy(undefined);
    }
  }

  async function retryFailed() {
    setBusy('retry');
    try {
      setRetry(await call('runs.retryFailed', { runId }));
    } catch (error) {
      showProblem('Nothing to retry', error);
    } finally {
      setBusy(undefined);
    }
  }

  async function exportRun(format: ExportFormat) {
    setBusy(`export-${format}`);
    try {
      deliverFile(await call('runs.export', { runId, format }));
    } catch (error) {
      showProblem('Not exported', error);
    } finally {
      setBusy(undefined);
    }
  }

  const state = progress && run && progress.at >= (run.startedAt ?? '') ? progress.state : run?.state;
  const displayStatus = progress?.displayStatus ?? run?.displayStatus;
  return (
    <Stack data-testid="run-detail" data-run-state={state}>
      <Group justify="space-between">
        <Group>
          <Button variant="subtle" onClick={onBack}>
            ← All runs
          </Button>
          <Title order={2}>{run?.title ?? 'Payroll run'}</Title>
          {displayStatus && (
            <Badge
              color={statusColour(displayStatus)}
              variant="light"
              size="lg"
              data-testid="run-status"
              data-status={displayStatus}
            >
              {statusWords(displayStatus)}
            </Badge>
          )}
        </Group>
        <Group>
          {review.value && (state === 'draft' || (state === 'approved' && !review.value.approval.canSend)) && (
            <DraftActions
              review={review.value}
              ticked={ticked}
              onChanged={() => {
                void reload();
                void call('runs.progress', { runId }).then(remember, () => undefined);
              }}
            />
          )}
          {state === 'approved' && review.value?.approval.canSend === true && mayCall(session, 'runs.start') && (
            <Button
              onClick={() => void act('runs.start', 'Sending started.')}
              loading={busy === 'runs.start'}
              data-testid="send-run"
            >
              Send payments
            </Button>
          )}
          {state === 'running' && mayCall(session, 'runs.pause') && (
            <Button
              variant="light"
              onClick={() => void act('runs.pause', 'Paused: payments already sent will still settle.')}
              loading={busy === 'runs.pause'}
              data-testid="pause-run"
            >
              Pause
            </Button>
          )}
          {state === 'paused' && mayCall(session, 'runs.resume') && (
            <Button
              onClick={() => void act('runs.resume', 'Sending again.')}
              loading={busy === 'runs.resume'}
              data-testid="resume-run"
            >
              Resume
            </Button>
          )}
          {(state === 'running' || state === 'paused' || state === 'approved') && mayCall(session, 'runs.cancel') && (
            <Button
              variant="light"
              color="red"
              onClick={() => void act('runs.cancel', 'Cancelled: nothing more will be sent.')}
              loading={busy === 'runs.cancel'}
              data-testid="cancel-run"
            >
              Cancel the rest
            </Button>
          )}
          {(state === 'completed' || state === 'cancelled') &&
            (run?.counts.failed ?? 0) > 0 &&
            review.value?.viewer.mayAskRetry === true &&
            review.value.retryRequest === null && (
              <Button
                variant="light"
                color="orange"
                onClick={() => void retryFailed()}
                loading={busy === 'retry'}
                data-testid="retry-failed"
              >
                Retry failed ({formatNumber(run?.counts.failed ?? 0)})
              </Button>
            )}
          {(run?.counts.failed ?? 0) > 0 && (
            <Button
              variant="subtle"
              color="orange"
              onClick={() => openFailedPayments(runId)}
              data-testid="run-failed-tries"
            >
              Why they failed
            </Button>
          )}
          {state !== undefined && state !== 'draft' && (
            <>
              <Button
                variant="default"
                onClick={() => void exportRun('csv')}
                loading={busy === 'export-csv'}
                data-testid="export-run-csv"
              >
                Export CSV
              </Button>
              <Button variant="default" onClick={() => void exportRun('xlsx')} loading={busy === 'export-xlsx'}>
                Export Excel
              </Button>
            </>
          )}
        </Group>
      </Group>
      <Problem error={review.error} title="The run could not load" />
      {run && (
        <Text size="sm" c="dimmed">
          {run.source === 'file' ? `From ${run.sourceFileName ?? 'a file'}` : 'From the worker list'} · created{' '}
          <When at={run.createdAt} />
          {run.approvedAt && (
            <>
              {' '}
              · approved <When at={run.approvedAt} />
            </>
          )}
          {run.finishedAt && (
            <>
              {' '}
              · finished <When at={run.finishedAt} />
            </>
          )}
        </Text>
      )}
      {review.value && state === 'approved' && !review.value.approval.canSend && (
        <Text c="red" data-testid="send-blocked">
          {review.value.approval.blocker}
        </Text>
      )}
      {review.value && (state === 'draft' || state === 'approved') && (
        <RunReview
          review={review.value}
          ticked={ticked}
          onTick={(key, checked) =>
            setTicked((before) => {
              const next = new Set(before);
              if (checked) next.add(key);
              else next.delete(key);
              return next;
            })
          }
        />
      )}
      {review.value && (
        <RetryRequest
          review={review.value}
          profile={profile}
          onSent={() => {
            void reload();
            void call('runs.progress', { runId }).then(remember, () => undefined);
          }}
        />
      )}
      {progress && state !== 'draft' && (
        <Card withBorder p="md">
          <RunProgressBar progress={progress} />
        </Card>
      )}
      {run && state !== 'draft' && (
        <NeedsAttention
          runId={runId}
          onChanged={() => {
            void client.invalidateQueries({ queryKey: contractKey('runs.results', { runId }) });
            void reload();
            void call('runs.progress', { runId }).then(remember, () => undefined);
          }}
        />
      )}
      {review.value && run && run.counts.paid > 0 && (
        <Group gap="xs" data-testid="run-charges">
          <Text size="sm">
            M-Pesa charges on paid payments <Money cents={review.value.charges.recordedCents} fw={600} />
          </Text>
          <Text size="sm" c="dimmed">
            {review.value.charges.stillEstimatedCents === 0
              ? 'all confirmed by M-Pesa'
              : review.value.charges.confirmedCents === 0
                ? 'estimated from the tariff until the M-Pesa statement is imported'
                : `${formatMoney(review.value.charges.confirmedCents)} confirmed by M-Pesa, ${formatMoney(review.value.charges.stillEstimatedCents)} still estimated from the tariff`}
          </Text>
          <Button
            variant="subtle"
            size="compact-sm"
            onClick={() => {
              useLedger.getState().setFilter({ runId });
              go('ledger');
            }}
            data-testid="run-in-ledger"
          >
            See in the ledger
          </Button>
        </Group>
      )}
      {run && state !== 'draft' && <RunResults runId={runId} />}
      {retry && (
        <RetryFailed
          preview={retry}
          onClose={() => setRetry(undefined)}
          onSent={() => {
            setRetry(undefined);
            void reload();
            void call('runs.progress', { runId }).then(remember, () => undefined);
          }}
        />
      )}
    </Stack>
  );
}
