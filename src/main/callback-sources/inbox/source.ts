// Where Daraja's callbacks enter Mshahara. Every route — the relay client pulling from the
// companion relay, the loopback receiver used before a relay is set up, a test feeding bodies —
// stores raw callbacks in the inbox through storeCallbacks() and then tells its listeners; the
// payout engine reads the inbox, never the route. So a new route never touches the engine.
import type { CallbackKind } from '../../daraja/callbacks';

/** One callback exactly as it arrived. */
export interface InboundCallback {
  /** The relay's event id; delivery is at-least-once, so this deduplicates. null for direct routes. */
  eventId: string | null;
  kind: CallbackKind;
  receivedAt: Date;
  /** Where it came from, e.g. 'relay:acme-payroll' or 'loopback'. */
  source: string;
  sourceIp: string | null;
  headers: Record<string, string>;
  body: string;
  /** What the route said about it on arrival, kept as the inbox entry's reason: the relay's answer to a C2B validation. */
  note?: string | null;
}

export type CallbackListener = (inboxIds: number[]) => void;

export interface CallbackSource {
  /** Begins receiving; resolves once the route is ready to accept callbacks. */
  start(): Promise<void>;
  /** Stops receiving; resolves once nothing more will be stored. */
  stop(): Promise<void>;
  /** The URL Daraja must post callbacks of this kind to (ResultURL, QueueTimeOutURL, CallBackURL, C2B URLs). */
  callbackUrl(kind: CallbackKind): string;
  /** Called after new callbacks are committed to the inbox, with their inbox ids. Returns an unsubscribe. */
  onStored(listener: CallbackListener): () => void;
}

/** A small fan-out that sources share. */
export class CallbackListeners {
  readonly #listeners = new Set<CallbackListener>();

  add(listener: CallbackListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(inboxIds: number[]): void {
    if (inboxIds.length === 0) return;
    for (const listener of this.#listeners) listener(inboxIds);
  }
}
