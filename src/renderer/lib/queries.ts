// Server state for the screens: every answer from the core is a query keyed by its contract method
// and input, calls that change things are mutations, and this file is the one place that says which
// answers each contract event, each change and a restored connection make out of date.
import {
  keepPreviousData,
  QueryClient,
  useMutation,
  useQuery,
  useQueryClient,
  type UseMutationResult,
} from '@tanstack/react-query';
import { useCallback } from 'react';
import type { MethodInput, MethodName, MethodOutput, RunProgress } from '../../shared/contract';
import { api, call, ContractFailure, onCallSettled, onConnectionChange } from '../api';
import { useApp } from '../stores/app';
import { useLedger } from '../stores/ledger';
import { useNavigation } from '../stores/navigation';
import { listenToRunProgress, useRunProgress } from '../stores/run-progress';

/** Mshahara's query client: answers are refreshed by events and actions, not by focus or timers. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A refusal from the core is its answer, and a lost connection is retried when it comes back.
        retry: false,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
      },
      mutations: { retry: false },
    },
  });
}

/** The cache key of one answer: the contract method, then its input (prefixes match every input). */
export function contractKey<M extends MethodName>(method: M, input?: Partial<MethodInput<M>>): readonly unknown[] {
  return input === undefined ? [method] : [method, input];
}

/** One contract answer for a screen, as screens read it. */
export interface Loaded<T> {
  value: T | undefined;
  error: unknown;
  /** True while the answer is being asked for (first time or again). */
  loading: boolean;
  /** Asks again now; settles when the new answer (or its error) is in. */
  reload(): Promise<void>;
}

/**
 * Loads `method` with `input` and keeps it fresh. While a changed input is loading the previous
 * answer stays on screen, so a list does not flash empty as the officer types in a search.
 */
export function useContractQuery<M extends MethodName>(
  method: M,
  input: MethodInput<M>,
  options: { enabled?: boolean } = {},
): Loaded<MethodOutput<M>> {
  const query = useQuery({
    queryKey: contractKey(method, input),
    queryFn: () => call(method, input),
    placeholderData: keepPreviousData,
    enabled: options.enabled,
  });
  const { refetch } = query;
  const reload = useCallback(async () => {
    await refetch();
  }, [refetch]);
  return { value: query.data, error: query.error ?? undefined, loading: query.isFetching, reload };
}

/** What a list says when it has no rows: its own empty words only once it truly loaded empty. */
export function emptyWords(loaded: Pick<Loaded<unknown>, 'value' | 'error'>, words: string): string {
  if (loaded.error !== undefined) {
    return isLostConnection(loaded.error)
      ? "Lost connection to Mshahara's core."
      : 'Not loaded: see the problem above.';
  }
  return loaded.value === undefined ? 'Loading…' : words;
}

/** Whether a failure means the core could not be reached, rather than that it refused. */
export function isLostConnection(error: unknown): boolean {
  return error instanceof ContractFailure && error.kind === 'unavailable';
}

type Prefix = readonly unknown[];

/** The answers each change makes out of date (besides what its events say). */
const changedBy: Partial<Record<MethodName, Prefix[]>> = {
  'workers.add': [['workers.list']],
  'workers.edit': [['workers.list'], ['workers.phoneChanges'], ['workers.history']],
  'workers.deactivate': [['workers.list'], ['workers.history']],
  'workers.restore': [['workers.list'], ['workers.history']],
  'workers.importCommit': [['workers.list']],
  'workers.approvePhoneChange': [['workers.list'], ['workers.phoneChanges'], ['workers.history']],
  'workers.rejectPhoneChange': [['workers.list'], ['workers.phoneChanges'], ['workers.history']],
  'runs.createFromWorkers': [['runs.list'], ['dashboard.summary']],
  'runs.createFromFile': [['runs.list'], ['dashboard.summary']],
  'runs.approve': [['runs.list'], ['runs.review']],
  'runs.start': [['runs.list'], ['runs.review'], ['dashboard.summary']],
  'runs.editLine': [['runs.list'], ['runs.review']],
  'runs.removeLine': [['runs.list'], ['runs.review']],
  'runs.addWorkers': [['runs.list'], ['runs.review']],
  'runs.discard': [['runs.list'], ['runs.review'], ['dashboard.summary']],
  'runs.requestRetry': [['runs.review']],
  'runs.pause': [['runs.list'], ['runs.review']],
  'runs.resume': [['runs.list'], ['runs.review']],
  'runs.cancel': [['runs.list'], ['runs.review'], ['runs.results'], ['dashboard.summary'], ['reports.failedPayments']],
  'runs.approveRetry': [
    ['runs.list'],
    ['runs.review'],
    ['runs.results'],
    ['dashboard.summary'],
    ['reports.failedPayments'],
  ],
  'runs.resolve': [
    ['runs.attention'],
    ['runs.review'],
    ['runs.results'],
    ['dashboard.summary'],
    ['reports.failedPayments'],
  ],
  'runs.clearFinding': [['runs.attention'], ['dashboard.summary']],
  'refunds.request': [['refunds.list'], ['refunds.forTransaction'], ['refunds.detail']],
  'refunds.approve': [['refunds.list'], ['refunds.forTransaction'], ['refunds.detail'], ['dashboard.summary']],
  'refunds.decline': [['refunds.list'], ['refunds.forTransaction'], ['refunds.detail']],
  'collections.request': [['collections.list']],
  'collections.askAgain': [['collections.list']],
  'received.checkAgain': [['collections.list']],
  'collections.recordReceipt': [['collections.list'], ['collections.detail']],
  'collections.markChecked': [['collections.list'], ['collections.detail'], ['audit.list']],
  'collections.settleSuccess': [['collections.list'], ['collections.detail'], ['inbox.list'], ['audit.list']],
  'balance.refresh': [['dashboard.summary'], ['float.warning'], ['float.history']],
  'float.setWarningLevel': [['float.warning'], ['float.history']],
  'lookup.record': [['lookup.answer'], ['dashboard.summary']],
  'reversals.request': [['reversals.list'], ['reversals.forTransaction']],
  'reversals.approve': [['reversals.list'], ['reversals.detail'], ['reversals.forTransaction'], ['ledger.detail']],
  'reversals.decline': [['reversals.list'], ['reversals.detail'], ['reversals.forTransaction']],
  'reversals.resolve': [['reversals.list'], ['reversals.detail'], ['reversals.forTransaction'], ['ledger.detail']],
  'inbox.settle': [['inbox.list'], ['runs.attention'], ['dashboard.summary'], ['reports.failedPayments']],
  'settings.update': [['settings.get']],
  'relay.connect': [['relay.get']],
  'certificate.load': [['certificate.info']],
  'profiles.select': [['profiles.list']],
  'profiles.create': [['profiles.list']],
  'profiles.rotateCredentials': [['profiles.list'], ['certificate.info']],
  'profiles.restore': [['profiles.list']],
  // A test's answers are evidence for the certificate, and may show M-Pesa back in reach.
  'setup.testConnection': [['profiles.list'], ['certificate.info'], ['connection.status']],
  'statements.import': [['reconcile.show'], ['reconcile.history'], ['statements.float']],
  'reconcile.tick': [['reconcile.show']],
  'reconcile.tickMatched': [['reconcile.show']],
  'reconcile.decide': [['reconcile.show'], ['statements.float']],
  'reconcile.finish': [['reconcile.show'], ['reconcile.history']],
  'users.add': [['users.list']],
  'users.setRoles': [['users.list'], ['account.me']],
  'users.disable': [['users.list']],
  'users.enable': [['users.list']],
  'users.resetPassword': [['users.list']],
  'users.savePolicy': [['users.policy'], ['account.me']],
  'account.changePassword': [['account.me'], ['users.list']],
  'account.confirmSecondFactor': [['account.me'], ['users.list']],
  'account.removeSecondFactor': [['account.me'], ['users.list']],
};

/** Marks the answers under each prefix out of date; those on screen are asked for again. */
export function invalidate(client: QueryClient, prefixes: readonly Prefix[]): Promise<void> {
  return Promise.all(prefixes.map((queryKey) => client.invalidateQueries({ queryKey }))).then(() => undefined);
}

/** A call that changes something; once it settles, the answers it changes are read again. */
export function useContractMutation<M extends MethodName>(
  method: M,
): UseMutationResult<MethodOutput<M>, Error, MethodInput<M>> {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: MethodInput<M>) => call(method, input),
    onSettled: () => invalidate(client, changedBy[method] ?? []),
  });
}

/**
 * Groups bursts of events (progress comes ten times a second) into at most one refresh per `ms`:
 * the first event refreshes at once, the rest of a burst once more at the end of it.
 */
function throttled(ms: number, run: () => void): { soon(): void; stop(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let again = false;
  const tick = () => {
    if (again) {
      again = false;
      run();
      timer = setTimeout(tick, ms);
    } else {
      timer = undefined;
    }
  };
  return {
    soon: () => {
      if (timer !== undefined) {
        again = true;
        return;
      }
      run();
      timer = setTimeout(tick, ms);
    },
    stop: () => {
      clearTimeout(timer);
      timer = undefined;
      again = false;
    },
  };
}

function settledCount(progress: RunProgress): number {
  return progress.counts.paid + progress.counts.failed + progress.counts.cancelled;
}

/**
 * Starts listening to the core once for the whole page: contract events, run progress and the
 * connection. Each says here which answers it makes out of date. Answers a function that stops it.
 */
export function listenToCore(client: QueryClient): () => void {
  const refresh = (...prefixes: Prefix[]) => void invalidate(client, prefixes);
  const summary = throttled(1000, () => refresh(['dashboard.summary']));
  // Every balance M-Pesa reports (a balance answer, a B2C result) may move the float's warning and history.
  const float = throttled(2000, () => refresh(['float.warning'], ['float.history']));
  const attention = throttled(1000, () => refresh(['runs.attention']));
  const runs = throttled(1000, () => refresh(['runs.list']));
  // A refund is paid by the engine: its state follows the run's progress and the ledger.
  const refunds = throttled(1000, () => refresh(['refunds.list'], ['refunds.forTransaction'], ['refunds.detail']));
  // A refused payment writes no ledger row: the failed-payments report follows the runs' progress.
  const failed = throttled(1000, () => refresh(['reports.failedPayments']));
  // New rows while a run pays: read the ledger on screen again, at most every two seconds.
  const ledger = throttled(2000, () => {
    if (useNavigation.getState().screen === 'ledger') useLedger.getState().refresh();
  });
  // Results follow a run's payments as they settle, at most about once a second per run.
  const results = new Map<number, ReturnType<typeof throttled>>();
  const resultsSoon = (runId: number) => {
    let forRun = results.get(runId);
    if (forRun === undefined) {
      forRun = throttled(800, () => refresh(['runs.results', { runId }]));
      results.set(runId, forRun);
    }
    forRun.soon();
  };

  const stops = [
    // Whichever screen made a change, through a mutation or a plain call, what it changes is read again.
    onCallSettled((method) => void invalidate(client, changedBy[method] ?? [])),
    listenToRunProgress(),
    api.subscribe('profile.changed', () => {
      void useApp.getState().load();
      // Another profile's workers, runs and ledger: nothing cached still holds, so none of it is shown.
      void client.resetQueries();
      useLedger.getState().refresh();
    }),
    api.subscribe('balance.changed', () => {
      summary.soon();
      float.soon();
    }),
    // A customer answered a prompt, a query or a check said so: the requests and money in are read again.
    api.subscribe('collections.changed', () => refresh(['collections.list'], ['collections.detail'])),
    // M-Pesa or the relay out of reach, or back: the event carries the whole answer.
    api.subscribe('connection.changed', (status) => {
      client.setQueryData(contractKey('connection.status', {}), status);
    }),
    // The audit chain is checked after the profile opens: a break found then is in the summary.
    api.subscribe('audit.alarm', () => refresh(['dashboard.summary'])),
    api.subscribe('ledger.changed', () => {
      refunds.soon();
      refresh(['reversals.list'], ['reversals.forTransaction']);
      summary.soon();
      float.soon();
      attention.soon();
      runs.soon();
      ledger.soon();
      failed.soon();
    }),
    // A late answer from M-Pesa may settle a listed payment (or find one) after its run has ended.
    api.subscribe('inbox.changed', () => {
      refresh(['inbox.list'], ['lookup.answer'], ['reversals.list'], ['reversals.forTransaction']);
      refunds.soon();
      attention.soon();
      summary.soon();
      failed.soon();
    }),
    // A run's end, and its held state or work list, change without a new ledger row.
    api.subscribe('run.ended', ({ runId }) =>
      refresh(
        ['dashboard.summary'],
        ['refunds.list'],
        ['refunds.forTransaction'],
        ['refunds.detail'],
        ['runs.attention'],
        ['runs.list'],
        ['runs.review', { runId }],
        ['runs.results', { runId }],
        ['reports.failedPayments'],
      ),
    ),
    // Progress from events and from asking: a run's own state, its held state and its work list.
    useRunProgress.subscribe((now, before) => {
      for (const progress of Object.values(now.byRun)) {
        const old = before.byRun[progress.runId];
        if (old === progress) continue;
        const { runId } = progress;
        // The run's own state changed (approved, started, paused, ended): read it again.
        const review = client.getQueryData<MethodOutput<'runs.review'>>(contractKey('runs.review', { runId }));
        if ((old !== undefined && old.state !== progress.state) || (review && review.run.state !== progress.state))
          refresh(['runs.review', { runId }], ['runs.list']);
        if ((old?.held ?? null) !== progress.held) summary.soon();
        if (
          old === undefined ||
          settledCount(old) !== settledCount(progress) ||
          old.needsAttention !== progress.needsAttention ||
          old.findings !== progress.findings ||
          old.state !== progress.state
        ) {
          // Once the run has ended there is nothing more to wait for: show the final results at once.
          if (progress.state === 'completed' || progress.state === 'cancelled') refresh(['runs.results', { runId }]);
          else resultsSoon(runId);
          failed.soon();
        }
        attention.soon();
        refunds.soon();
      }
    }),
    // Back from a lost connection: whatever happened meanwhile, read what is on screen again.
    onConnectionChange((state) => {
      if (state !== 'connected') return;
      void useApp.getState().load();
      void client.invalidateQueries();
      if (useNavigation.getState().screen === 'ledger') useLedger.getState().refresh();
    }),
  ];
  return () => {
    for (const stop of stops) stop();
    for (const timer of [summary, attention, runs, refunds, ledger, failed, ...results.values()]) timer.stop();
  };
}
