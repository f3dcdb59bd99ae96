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

function webSocketBridge(url: string): MshaharaBridge {
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  const socket = new WebSocket(url);
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('The Mshahara host did not answer.')), { once: true });
  });
  socket.addEventListener('message', (message: MessageEvent<string>) => {
    const data = JSON.parse(message.data) as ServerMessage;
    if ('id' in data) {
      pending.get(data.id)?.(data.result);
      pending.delete(data.id);
    } else {
      listeners.get(data.event)?.forEach((handler) => handler(data.payload));
    }
  });
  socket.addEventListener('close', () => {
    setConnection('lost');
    for (const settle of pending.values())
      settle({ ok: false, error: { kind: 'unavailable', message: 'The connection to Mshahara closed.' } });
    pending.clear();
  });

  return {
    async invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<ContractResult<MethodOutput<M>>> {
      try {
        await opened;
      } catch (error) {
        return { ok: false, error: { kind: 'unavailable', message: (error as Error).message } };
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as Pending);
        socket.send(JSON.stringify({ id, method, input }));
      });
    },
    subscribe<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      set.add(handler as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(handler as (payload: unknown) => void);
    },
  };
}

function pickBridge(): MshaharaBridge {
  if (window.mshahara) return window.mshahara;
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return webSocketBridge(`${scheme}//${window.location.host}/ws?token=${encodeURIComponent(token)}`);
}

export const api: MshaharaBridge = pickBridge();

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
export async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await api.invoke(method, input);
  if (!result.ok)
    throw new ContractFailure(result.error.kind, result.error.message, result.error.code, result.error.issues);
  return result.value;
}

/** The words to show for anything a call threw. */
export function problemText(error: unknown): string {
  if (error instanceof ContractFailure) return error.message;
  return error instanceof Error ? error.message : String(error);
}
