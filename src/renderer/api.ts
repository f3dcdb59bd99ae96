// The renderer's only way to reach Mshahara: the Electron bridge when the preload provided one,
// otherwise the browser host's WebSocket at /ws (same contract, second transport).
import type {
  ContractError,
  ContractResult,
  EventName,
  EventPayload,
  FieldIssue,
  MethodInput,
  MethodName,
  MethodOutput,
  MshaharaBridge,
} from '../shared/contract';
// A method that changes nothing (docs/roles.md) cut off in flight can simply be asked again.
import { changesNothing } from '../shared/contract/access';
import { maxContractMessageBytes, maxFileBytes, megabytes } from '../shared/file-limits';

type Pending = (result: ContractResult<unknown>) => void;

/**
 * Whether the screens can reach the core: always 'connected' over Electron IPC; over the browser
 * host's WebSocket, 'reconnecting' while a dropped socket is being reopened and 'lost' when it is gone.
 */
export type ConnectionState = 'connected' | 'reconnecting' | 'lost';

let currentConnection: ConnectionState = 'connected';
const connectionListeners = new Set<(state: ConnectionState) => void>();

function setConnection(state: ConnectionState): void {
  if (state === currentConnection) return;
  currentConnection = state;
  for (const listener of connectionListeners) listener(state);
}

/** The connection to the core as it is now. */
export function connectionState(): ConnectionState {
  return currentConnection;
}

/** Calls `listener` whenever the connection to the core changes; answers a function that stops it. */
export function onConnectionChange(listener: (state: ConnectionState) => void): () => void {
  connectionListeners.add(listener);
  return () => connectionListeners.delete(listener);
}

/** Messages of the browser host's WebSocket protocol (see src/main/transports/browser-host/websocket.ts). */
type ServerMessage = { id: number; result: ContractResult<unknown> } | { event: string; payload: unknown };

/** What a call that could not reach the core says, by why. */
export const unreachable = {
  reconnecting: "Mshahara's core cannot be reached; it is reconnecting. Try again in a moment.",
  lost: "Mshahara's core cannot be reached; it may have stopped. Check that it is running; this page keeps trying to reconnect.",
  refused:
    "Mshahara's core no longer accepts this page's address; it was probably restarted. Open the address it printed when it started.",
  cutOff:
    "The connection to Mshahara's core dropped before it answered: the last action may or may not have been done; check before repeating it.",
} as const;

function unavailable(message: string): ContractResult<never> {
  return { ok: false, error: { kind: 'unavailable', message } };
}

/** How the browser host's client reconnects; the defaults suit a person at the page, tests pass quicker ones. */
export interface HostConnectionOptions {
  /** The WebSocket class to use (the browser's own by default). */
  WebSocket?: new (url: string) => WebSocket;
  /** Waits before each reconnect attempt in a row, in milliseconds; the last one repeats. */
  retryDelaysMs?: readonly number[];
  /** Failed attempts in a row after which the connection counts as lost (it keeps retrying, slowly). */
  attemptsBeforeLost?: number;
  /** The wait between attempts once lost. */
  lostRetryMs?: number;
  /** How long a call made while the page first connects waits for it. */
  firstConnectMs?: number;
  /** Whether the host answers this address's token with a refusal (a restarted host has a new token). */
  tokenRefused?: (socketUrl: string) => Promise<boolean>;
}

/** Asks the host's page with the same token: 403 (token) or 421 (address) means it will never let this page in. */
async function askWhetherTokenRefused(socketUrl: string): Promise<boolean> {
  const page = new URL(socketUrl);
  page.protocol = page.protocol === 'wss:' ? 'https:' : 'http:';
  page.pathname = '/';
  try {
    const response = await fetch(page, { method: 'HEAD', cache: 'no-store', signal: AbortSignal.timeout(5_000) });
    return response.status === 403 || response.status === 421;
  } catch {
    return false;
  }
}

/** The browser host's client: the bridge, and a way to stop it (the page never does; tests do). */
export interface HostConnection extends MshaharaBridge {
  /** Closes the socket and stops reconnecting. */
  close(): void;
}

/**
 * The contract over the browser host's WebSocket. Reopens the socket with the same token after it
 * drops (waiting longer each time), keeps every event subscription across reopenings, and never
 * leaves a call waiting on a closed socket: a call made while it is down, or in flight when it
 * drops, fails at once with kind 'unavailable'. Drives connectionState().
 */
export function connectToHost(url: string, options: HostConnectionOptions = {}): HostConnection {
  const Socket = options.WebSocket ?? WebSocket;
  const delays = options.retryDelaysMs ?? [250, 500, 1_000, 2_000, 4_000, 8_000];
  const attemptsBeforeLost = options.attemptsBeforeLost ?? 8;
  const lostRetryMs = options.lostRetryMs ?? 30_000;
  const firstConnectMs = options.firstConnectMs ?? 10_000;
  const tokenRefused = options.tokenRefused ?? askWhetherTokenRefused;

  const pending = new Map<number, { method: MethodName; settle: Pending }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let socket: WebSocket;
  let opened = false;
  let everOpened = false;
  let failedAttempts = 0;
  let refused = false;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  /** Calls made before the first connection opened, waiting for it (or for it to fail). */
  let firstOpenWaiters: Array<() => void> = [];

  function whyUnreachable(): string {
    if (refused) return unreachable.refused;
    return currentConnection === 'lost' ? unreachable.lost : unreachable.reconnecting;
  }

  function releaseFirstOpenWaiters(): void {
    const waiters = firstOpenWaiters;
    firstOpenWaiters = [];
    for (const wake of waiters) wake();
  }

  function open(): void {
    socket = new Socket(url);
    socket.addEventListener('open', () => {
      opened = true;
      everOpened = true;
      failedAttempts = 0;
      refused = false;
      setConnection('connected');
      releaseFirstOpenWaiters();
    });
    socket.addEventListener('message', (message: MessageEvent<string>) => {
      let data: ServerMessage | null;
      try {
        data = JSON.parse(message.data) as ServerMessage | null;
      } catch {
        return;
      }
      if (typeof data !== 'object' || data === null) return;
      if ('id' in data) {
        pending.get(data.id)?.settle(data.result);
        pending.delete(data.id);
      } else {
        listeners.get(data.event)?.forEach((handler) => handler(data.payload));
      }
    });
    // A failed or broken socket always closes next; the close is where it is handled.
    socket.addEventListener('error', () => undefined);
    socket.addEventListener('close', () => void dropped());
  }

  async function dropped(): Promise<void> {
    const wasOpen = opened;
    opened = false;
    if (!wasOpen) failedAttempts += 1;
    for (const { method, settle } of pending.values())
      settle(unavailable(changesNothing(method) ? unreachable.reconnecting : unreachable.cutOff));
    pending.clear();
    releaseFirstOpenWaiters();
    if (stopped) return;
    setConnection(failedAttempts >= attemptsBeforeLost ? 'lost' : 'reconnecting');
    // A host that answers but refuses the token will never let this page in again: say so now.
    if (!wasOpen && (await tokenRefused(url)) && !stopped) {
      refused = true;
      setConnection('lost');
    }
    const wait =
      currentConnection === 'lost' ? lostRetryMs : (delays[Math.min(failedAttempts, delays.length - 1)] ?? lostRetryMs);
    if (!stopped) retry = setTimeout(open, wait);
  }

  /** Waits for the first connection, for a call made while the page is still opening it. */
  function firstOpen(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, firstConnectMs);
      firstOpenWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  open();

  return {
    async invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<ContractResult<MethodOutput<M>>> {
      if (!opened && !everOpened && failedAttempts === 0) await firstOpen();
      if (!opened) return unavailable(whyUnreachable());
      const id = nextId++;
      const message = JSON.stringify({ id, method, input });
      if (message.length > maxContractMessageBytes) {
        return {
          ok: false,
          error: {
            kind: 'validation',
            message: `That is more than Mshahara takes in one go: files are read up to ${megabytes(maxFileBytes)}.`,
          },
        };
      }
      return new Promise((resolve) => {
        pending.set(id, { method, settle: resolve as Pending });
        socket.send(message);
      });
    },
    subscribe<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      set.add(handler as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(handler as (payload: unknown) => void);
    },
    close() {
      stopped = true;
      clearTimeout(retry);
      socket.close();
    },
  };
}

function pickBridge(): MshaharaBridge {
  if (window.mshahara) return window.mshahara;
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return connectToHost(`${scheme}//${window.location.host}/ws?token=${encodeURIComponent(token)}`);
}

let bridge: MshaharaBridge | undefined;

/** The bridge, chosen on first use: Electron's when the preload gave one, else the browser host's socket. */
export const api: MshaharaBridge = {
  invoke: (method, input) => (bridge ??= pickBridge()).invoke(method, input),
  subscribe: (event, handler) => (bridge ??= pickBridge()).subscribe(event, handler),
};

/** A refused contract call, carried as an exception inside the renderer so screens can show `message`. */
export class ContractFailure extends Error {
  constructor(
    readonly kind: ContractError['kind'],
    message: string,
    readonly code?: string,
    /** For refused input: each field's plain message, for the form to show beside the field. */
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ContractFailure';
  }
}

/** Calls `method` and answers its value, or throws a ContractFailure carrying the core's own words. */
const callListeners = new Set<(method: MethodName) => void>();

/**
 * Calls `listener` with the method of every call once it has an answer, refused or not (a refused
 * change may still have changed something): how the query layer knows what to read again.
 */
export function onCallSettled(listener: (method: MethodName) => void): () => void {
  callListeners.add(listener);
  return () => callListeners.delete(listener);
}

const signInListeners = new Set<() => void>();

/**
 * Calls `listener` whenever the core refuses a call because nobody is signed in on this page any
 * more (locked for idleness, the account changed, a new connection): the sign-in must show again.
 */
export function onSignInNeeded(listener: () => void): () => void {
  signInListeners.add(listener);
  return () => signInListeners.delete(listener);
}

export async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await api.invoke(method, input);
  for (const listener of callListeners) listener(method);
  if (
    !result.ok &&
    (result.error.code === 'sign_in_needed' ||
      result.error.code === 'must_change_password' ||
      result.error.code === 'second_factor_needed')
  )
    for (const listener of signInListeners) listener();
  if (!result.ok)
    throw new ContractFailure(result.error.kind, result.error.message, result.error.code, result.error.issues);
  return result.value;
}

/** The words to show for anything a call threw. */
export function problemText(error: unknown): string {
  if (error instanceof ContractFailure) return error.message;
  return error instanceof Error ? error.message : String(error);
}
