// A fake `window.mshahara` for component tests: answers contract calls from in-memory data (checked
// against the contract's own schemas, as the core's dispatcher checks them), emits contract events,
// and can fail every call the way a lost core does.
import type { z } from 'zod';
import {
  contractMethods,
  type AccountView,
  type PoliciesView,
  type ContractError,
  type ContractResult,
  type EventName,
  type EventPayload,
  type LedgerRow,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type MshaharaBridge,
  type PhoneChangeView,
  type ReversalView,
  type RunProgress,
  type RunView,
  type WorkerHistoryEntryView,
  type WorkerView,
} from '../../../src/shared/contract';
import { aSession, peopleHandlers, somePolicies, anAccount } from './fake-people';

export { aSession, anAccount, fakeFirstPassword, fakeTotp, somePolicies } from './fake-people';

/** A method's input as the core's dispatcher hands it on: parsed, with the contract's defaults filled in. */
type ParsedInput<M extends MethodName> = z.output<(typeof contractMethods)[M]['input']>;
type Handler<M extends MethodName> = (input: ParsedInput<M>) => MethodOutput<M>;
export type Handlers = { [M in MethodName]?: Handler<M> };

export const at = '2026-11-20T07:00:00.000Z';

export function aRun(overrides: Partial<RunView> & Pick<RunView, 'id' | 'title'>): RunView {
  return {
    period: null,
    state: 'draft',
    displayStatus: 'draft',
    commandId: 'SalaryPayment',
    source: 'worker_list',
    sourceFileName: null,
    createdAt: at,
    approvedAt: null,
    startedAt: null,
    finishedAt: null,
    cancelledAt: null,
    counts: { draft: 2, queued: 0, paying: 0, paid: 0, failed: 0, cancelled: 0 },
    totals: {
      count: 2,
      amountCents: 3_000_00,
      paidCents: 0,
      failedCents: 0,
      pendingCents: 3_000_00,
      cancelledCents: 0,
    },
    ...overrides,
  };
}

export function progressOf(run: RunView, overrides: Partial<RunProgress> = {}): RunProgress {
  return {
    runId: run.id,
    state: run.state,
    displayStatus: run.displayStatus,
    counts: run.counts,
    totals: run.totals,
    needsAttention: 0,
    findings: 0,
    held: null,
    ratePerSecond: null,
    etaSeconds: null,
    at,
    ...overrides,
  };
}

export function aWorker(overrides: Partial<WorkerView> & Pick<WorkerView, 'id' | 'name' | 'phone'>): WorkerView {
  return {
    staffNumber: null,
    nationalId: null,
    department: null,
    defaultAmountCents: 1_500_00,
    notes: null,
    createdAt: at,
    updatedAt: at,
    archivedAt: null,
    ...overrides,
  };
}

export function aLedgerRow(overrides: Partial<LedgerRow> & Pick<LedgerRow, 'id'>): LedgerRow {
  return {
    receipt: null,
    occurredAt: at,
    direction: 'out',
    kind: 'b2c_payment',
    status: 'completed',
    amountCents: 1_500_00,
    chargeCents: null,
    chargeBasis: null,
    phone: null,
    partyName: null,
    accountReference: null,
    runId: null,
    runTitle: null,
    runPeriod: null,
    reference: null,
    resultCode: '0',
    corrected: false,
    ...overrides,
  };
}

export type RunReview = MethodOutput<'runs.review'>;

/**
 * The review of `run`: no warnings, no changes, its lines empty, waiting for one approver other
 * than its maker Amina, seen by an approver who may approve it.
 */
export function aReview(run: RunView, overrides: Partial<RunReview> = {}): RunReview {
  return {
    run,
    charges: { estimatedCents: 0, recordedCents: 0, confirmedCents: 0, stillEstimatedCents: 0 },
    floatCheck: {
      requiredCents: 0,
      availableCents: null,
      enough: null,
      observedAt: null,
      message: 'No balance yet.',
    },
    duplicateWarnings: [],
    leftOutRows: [],
    nameMismatches: 0,
    earlierRuns: [],
    lines: { items: [], total: 0 },
    changeCounts: { newPeople: 0, phoneChanged: 0, nameChanged: 0, amountChanged: 0, unchanged: 0 },
    approval: {
      policyWords: 'the maker and one approver',
      singlePerson: false,
      peopleNeeded: 2,
      approvalsNeeded: 1,
      approvalsCounted: 0,
      maker: { username: 'amina', displayName: 'Amina Odhiambo' },
      approvals: [],
      summary: 'Not approved yet; needs one more approver other than Amina Odhiambo',
      canSend: run.state !== 'draft',
      blocker: run.state === 'draft' ? 'Payroll run needs 1 more approval.' : null,
    },
    viewer: {
      isMaker: false,
      mayApprove: run.state === 'draft',
      mayEdit: false,
      mayAskRetry: false,
      mayApproveRetry: false,
    },
    retryRequest: null,
    ...overrides,
  };
}

export type Summary = MethodOutput<'dashboard.summary'>;

export function aSummary(overrides: Partial<Summary> = {}): Summary {
  return {
    float: { accounts: [], observedAt: null, utilityAvailableCents: null },
    month: { label: '2026-11', paidCount: 0, paidCents: 0, chargesCents: 0, estimatedChargesCents: 0 },
    successRate: null,
    needsAttention: { total: 0, unknownPayouts: 0, failedPayouts: 0, inbox: 0, findings: 0, paidButRecordedFailed: 0 },
    paymentsHeld: null,
    auditAlarm: null,
    payoutsPerDay: [],
    recentRuns: [],
    ...overrides,
  };
}

/** Throws so that the fake core answers exactly this refusal (a field's issue, a code). */
export function refuse(error: ContractError): never {
  throw Object.assign(new Error(error.message), { contractError: error });
}

/** What the fake core holds; tests change it, then emit the event the real core would send. */
export interface FakeData {
  runs: RunView[];
  /** What the review adds to a run, by run id (aReview fills in the rest). */
  reviews: Record<number, Partial<RunReview>>;
  workers: WorkerView[];
  ledger: LedgerRow[];
  summary: Summary;
  /** Changes of M-Pesa number; the pending ones are the approvers' list. */
  phoneChanges: PhoneChangeView[];
  /** Each worker's history, newest first, by worker id. */
  workerHistory: Record<number, WorkerHistoryEntryView[]>;
  /** The profile's accounts; `signedIn` is the username of the person using the page. */
  accounts: AccountView[];
  signedIn: string;
  policies: PoliciesView;
  /** Reversals, newest first; and what each ledger row's detail says about reversing it, by its id. */
  reversals: ReversalView[];
  reversalOf: Record<number, MethodOutput<'reversals.forTransaction'>>;
}

export class FakeBridge implements MshaharaBridge {
  data: FakeData = FakeBridge.emptyData();
  session: MethodOutput<'session.current'> = aSession();
  /** Every call made, in order: what the screens asked the core for. */
  readonly calls: Array<{ method: MethodName; input: unknown }> = [];
  private failure: ContractError | undefined;
  private overrides: Handlers = {};
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();

  static emptyData(): FakeData {
    return {
      runs: [],
      reviews: {},
      workers: [],
      ledger: [],
      summary: aSummary(),
      accounts: [anAccount({ id: 1, username: 'wanjiru', displayName: 'Wanjiru Kamau', roles: ['admin'] })],
      signedIn: 'wanjiru',
      policies: somePolicies(),
      phoneChanges: [],
      workerHistory: {},
      reversals: [],
      reversalOf: {},
    };
  }

  /** Back to an empty demo profile that answers every call. */
  reset(): void {
    this.data = FakeBridge.emptyData();
    this.session = aSession();
    this.calls.length = 0;
    this.failure = undefined;
    this.overrides = {};
    this.listeners.clear();
  }

  /** Every call from now on fails as `kind` (for a lost core: 'unavailable'). */
  failWith(kind: ContractError['kind'], message: string): void {
    this.failure = { kind, message };
  }

  /** Calls are answered again. */
  recover(): void {
    this.failure = undefined;
  }

  /** Answers `method` with `handler` instead of from the data. */
  answer<M extends MethodName>(method: M, handler: Handler<M>): void {
    (this.overrides as Record<string, unknown>)[method] = handler;
  }

  callsOf(method: MethodName): unknown[] {
    return this.calls.filter((call) => call.method === method).map((call) => call.input);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.listeners.get(event)?.forEach((handler) => handler(payload));
  }

  async invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<ContractResult<MethodOutput<M>>> {
    this.calls.push({ method, input });
    await Promise.resolve();
    if (this.failure) return { ok: false, error: this.failure };
    const parsed = contractMethods[method].input.safeParse(input);
    if (!parsed.success) return { ok: false, error: { kind: 'validation', message: parsed.error.message } };
    const handler = (this.overrides[method] ?? this.standard()[method]) as ((input: unknown) => unknown) | undefined;
    if (!handler)
      return { ok: false, error: { kind: 'internal', message: `The fake core does not answer ${method}.` } };
    try {
      const value = contractMethods[method].output.parse(handler(parsed.data)) as MethodOutput<M>;
      return { ok: true, value };
    } catch (error) {
      const refusal = (error as { contractError?: ContractError }).contractError;
      return { ok: false, error: refusal ?? { kind: 'not_found', message: (error as Error).message } };
    }
  }

  subscribe<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(handler as (payload: unknown) => void);
    this.listeners.set(event, set);
    return () => set.delete(handler as (payload: unknown) => void);
  }

  /** How many listeners an event has: the page listens once, however many screens it shows. */
  listenerCount(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  /** The people and account methods, over data.accounts, data.signedIn and data.policies. */
  private standard(): Handlers {
    const data = this.data;
    const findRun = (runId: number) => {
      const run = data.runs.find((candidate) => candidate.id === runId);
      if (!run) throw new Error(`No payroll run #${runId}.`);
      return run;
    };
    return {
      'session.current': () => this.session,
      // M-Pesa and the relay answer, as far as the fake core knows (the frame's banner asks).
      'connection.status': () => ({ unreachable: [] }),
      'session.signOut': () => (this.session = { ...this.session, signedIn: null }),
      'session.lock': () => (this.session = { ...this.session, signedIn: null }),
      ...peopleHandlers(data),
      'app.info': () => ({
        version: '1.0.0-test',
        mode: 'desktop',
        profile: { name: 'demo', kind: 'demo' },
        dataFolder: '/tmp/mshahara-test',
        demoSimulatorUrl: null,
      }),
      'dashboard.summary': () => data.summary,
      'runs.list': () => ({ runs: data.runs, total: data.runs.length }),
      'runs.attention': () => ({ items: [], findings: [] }),
      'runs.review': ({ runId }) => aReview(findRun(runId), data.reviews[runId]),
      'runs.progress': ({ runId }) => progressOf(findRun(runId)),
      'runs.results': () => ({ items: [], total: 0 }),
      'workers.list': ({ search, include }) => {
        const workers = data.workers.filter(
          (worker) =>
            (!search || worker.name.toLowerCase().includes(search.toLowerCase())) &&
            (include === 'all' || (include === 'archived') === (worker.archivedAt !== null)),
        );
        return { workers, total: workers.length };
      },
      'workers.deactivate': ({ id }) => {
        const worker = data.workers.find((candidate) => candidate.id === id);
        if (!worker) throw new Error(`No worker #${id}.`);
        const deactivated = { ...worker, archivedAt: at };
        data.workers = data.workers.map((candidate) => (candidate.id === id ? deactivated : candidate));
        return deactivated;
      },
      'workers.phoneChanges': () => ({ changes: data.phoneChanges.filter((change) => change.status === 'pending') }),
      'workers.history': ({ id }) => ({ entries: data.workerHistory[id] ?? [] }),
      'reversals.list': () => ({
        reversals: data.reversals,
        waiting: data.reversals.filter((r) => r.state === 'draft').length,
        attention: data.reversals.filter((r) => r.needsAttention).length,
      }),
      'reversals.forTransaction': ({ transactionId }) =>
        data.reversalOf[transactionId] ?? { refusal: null, reversal: null, reversedBy: null, reverses: null },
      'workers.approvePhoneChange': ({ changeId }) => decidePhoneChange(data, changeId, 'approved'),
      'workers.rejectPhoneChange': ({ changeId }) => decidePhoneChange(data, changeId, 'rejected'),
      'ledger.list': ({ offset = 0, limit = 200 }) => ({
        rows: data.ledger.slice(offset, offset + limit),
        total: data.ledger.length,
        totals: {
          inCents: 0,
          outCents: data.ledger.reduce((sum, row) => sum + row.amountCents, 0),
          chargesCents: data.ledger.reduce((sum, row) => sum + (row.chargeCents ?? 0), 0),
          estimatedChargesCents: data.ledger.reduce(
            (sum, row) => sum + (row.chargeBasis === 'estimated' ? (row.chargeCents ?? 0) : 0),
            0,
          ),
        },
        next: null,
      }),
      'ledger.detail': ({ id }) => {
        const row = data.ledger.find((candidate) => candidate.id === id);
        if (!row) throw new Error(`No transaction #${id}.`);
        return {
          transaction: {
            ...row,
            partyDisplay: row.partyName,
            resultDesc: 'The service request is processed successfully.',
            utilityBalanceCents: null,
            recordedAt: row.occurredAt,
            correctsId: null,
            correctionReason: null,
            attemptId: null,
            itemId: null,
          },
          callback: null,
          corrections: [],
        };
      },
    };
  }
}

/** Decides a pending change the way the core does: the worker keeps the new number or gets the old one back. */
function decidePhoneChange(data: FakeData, changeId: number, status: 'approved' | 'rejected'): PhoneChangeView {
  const change = data.phoneChanges.find((candidate) => candidate.id === changeId && candidate.status === 'pending');
  if (!change) throw new Error(`No pending change of number #${changeId}.`);
  const decided: PhoneChangeView = {
    ...change,
    status,
    decidedBy: 'baraka',
    decidedByName: 'Baraka Mwangi',
    decidedAt: at,
  };
  data.phoneChanges = data.phoneChanges.map((candidate) => (candidate.id === changeId ? decided : candidate));
  data.workers = data.workers.map((worker) =>
    worker.id === change.workerId
      ? { ...worker, phone: status === 'approved' ? change.newPhone : change.oldPhone, pendingPhoneChange: null }
      : worker,
  );
  return decided;
}

export function aPhoneChange(
  overrides: Partial<PhoneChangeView> & Pick<PhoneChangeView, 'id' | 'workerId' | 'workerName'>,
): PhoneChangeView {
  return {
    oldPhone: '254712345678',
    newPhone: '254722000111',
    changedBy: 'amina',
    changedByName: 'Amina Odhiambo',
    changedAt: at,
    status: 'pending',
    decidedBy: null,
    decidedByName: null,
    decidedAt: null,
    ...overrides,
  };
}

export const bridge = new FakeBridge();
