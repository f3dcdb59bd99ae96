// RelayClient: the desktop end of the companion relay (docs/relay.md#how-it-works). Long-polls the channel, opens
// each sealed callback, stores the batch and the new cursor in one SQLite transaction, acknowledges,
// and tells the payout engine. Starts from the stored cursor, so it catches up after any time offline.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { InternalError } from '../../../shared/errors';
import type { CallbackKind } from '../../daraja/callbacks';
import { backoff, type BackoffPolicy } from '../../daraja/backoff';
import type { ProfileDatabase } from '../../db';
import { appendAudit } from '../../ledger/audit';
import { recordRelayAck, relayCursor, storeCallbacks } from '../inbox/store';
import { CallbackListeners, type CallbackListener, type CallbackSource, type InboundCallback } from '../inbox/source';
import { logger } from '../../log';
import { openEvent } from './open-event';
import { RelayHttp, RelayRequestError, type RelayBatch } from './relay-http';

const log = logger('relay');

export interface RelayClientOptions {
  db: ProfileDatabase;
  /** Where the desktop pulls from, e.g. https://relay.example.co.ke. */
  relayUrl: string;
  /** The channel id the relay gave at registration; also the key of this desktop's cursor. */
  channel: string;
  pullToken: string;
  /** The channel's X25519 private key (PEM), from the keychain. */
  privateKeyPem: string;
  /** Where Daraja posts: `{relayPublicUrl}/hooks/{channel}/{secret}`. */
  callbackBaseUrl: string;
  /** Long-poll length asked of the relay. */
  waitSeconds?: number;
  /** Most events per pull (and per SQLite transaction). */
  batchSize?: number;
  /** Pause after a failed pull: full-jitter exponential backoff. */
  retry?: BackoffPolicy;
  /** Told after each pull whether the relay answered (the unreachable banner). */
  onReach?: (reached: boolean, reason: string | null) => void;
}

/** What the settings screen shows about the relay connection. */
export interface RelayClientStats {
  state: 'stopped' | 'connected' | 'retrying';
  /** Callbacks stored in the inbox by this client since it started. */
  stored: number;
  /** Events delivered again by the relay that were already in the inbox (at-least-once delivery). */
  redelivered: number;
  /** Events that could not be opened; each is kept in the audit log with its sealed envelope. */
  unreadable: number;
  failedPulls: number;
  /** When the last new callback was stored (ISO instant); null before the first since start. */
  lastEventAt: string | null;
  lastError: string | null;
  cursor: string | null;
  ackedCursor: string | null;
}

export const defaultRelayRetry: BackoffPolicy = { baseMs: 500, maxMs: 60_000 };

export class RelayClient implements CallbackSource {
  readonly #options: RelayClientOptions;
  readonly #listeners = new CallbackListeners();
  readonly #privateKey: KeyObject;
  #http: RelayHttp | null = null;
  #abort: AbortController | null = null;
  #loop: Promise<void> | null = null;
  #stats: RelayClientStats;

  constructor(options: RelayClientOptions) {
    this.#options = options;
    try {
      this.#privateKey = createPrivateKey(options.privateKeyPem);
    } catch {
      throw new InternalError(
        'The relay channel private key in the keychain is not a readable key; set the relay up again.',
      );
    }
    if (this.#privateKey.asymmetricKeyType !== 'x25519') {
      throw new InternalError(
        'The relay channel private key in the keychain is not an X25519 key; set the relay up again.',
      );
    }
    this.#stats = {
      state: 'stopped',
      stored: 0,
      redelivered: 0,
      unreadable: 0,
      failedPulls: 0,
      lastEventAt: null,
      lastError: null,
      cursor: null,
      ackedCursor: null,
    };
  }

  get channel(): string {
    return this.#options.channel;
  }

  stats(): RelayClientStats {
    return { ...this.#stats };
  }

  callbackUrl(kind: CallbackKind): string {
    return `${this.#options.callbackBaseUrl.replace(/\/+$/, '')}/${kind}`;
  }

  onStored(listener: CallbackListener): () => void {
    return this.#listeners.add(listener);
  }

  start(): Promise<void> {
    if (this.#loop) return Promise.resolve();
    const { db, channel } = this.#options;
    this.#stats.cursor = relayCursor(db, channel);
    this.#stats.ackedCursor = ackedCursor(db, channel);
    this.#http = new RelayHttp(this.#options.relayUrl, this.#options.pullToken);
    this.#abort = new AbortController();
    this.#stats.state = 'connected';
    this.#loop = this.#run(this.#abort.signal);
    log.info({ channel, cursor: this.#stats.cursor }, 'relay client started');
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    if (!this.#loop) return;
    this.#abort?.abort();
    await this.#loop;
    await this.#http?.close();
    this.#loop = null;
    this.#http = null;
    this.#abort = null;
    this.#stats.state = 'stopped';
    log.info({ channel: this.#options.channel, cursor: this.#stats.cursor }, 'relay client stopped');
  }

  async #run(signal: AbortSignal): Promise<void> {
    const http = this.#http;
    if (!http) return;
    const waitSeconds = this.#options.waitSeconds ?? 25;
    const limit = this.#options.batchSize ?? 500;
    let failures = 0;
    while (!signal.aborted) {
      try {
        // Acknowledge before waiting on the next long poll, so the relay may prune promptly (also
        // what a previous run stored but could not acknowledge).
        await this.#acknowledge(http, signal);
        const batch = await http.pull(this.#stats.cursor, waitSeconds, limit, signal);
        failures = 0;
        this.#stats.state = 'connected';
        this.#stats.lastError = null;
        this.#options.onReach?.(true, null);
        this.#store(batch);
      } catch (error) {
        if (signal.aborted) break;
        failures += 1;
        this.#stats.failedPulls += 1;
        this.#stats.state = 'retrying';
        this.#stats.lastError = describe(error);
        this.#options.onReach?.(false, this.#stats.lastError);
        const delayMs = backoff(failures - 1, this.#options.retry ?? defaultRelayRetry);
        log.warn(
          { channel: this.#options.channel, failures, delayMs, reason: this.#stats.lastError },
          'relay pull failed; retrying',
        );
        await pause(delayMs, signal);
      }
    }
  }

  /** One transaction: the callbacks that opened, an audit entry for each that did not, the new cursor. */
  #store(batch: RelayBatch): void {
    const { db, channel } = this.#options;
    const nextCursor = batch.cursor ?? this.#stats.cursor;
    if (nextCursor === null) return;
    if (batch.events.length === 0) {
      // Nothing new, but the relay may have moved this desktop back to its start (it was restored
      // or replaced): keep that position, or every pull would be sent back there again.
      if (nextCursor !== this.#stats.cursor) {
        storeCallbacks(db, [], { channel, cursor: nextCursor });
        this.#stats.cursor = nextCursor;
      }
      return;
    }
    const callbacks: InboundCallback[] = [];
    const unreadable: { eventId: string; reason: string; sealed: unknown }[] = [];
    for (const event of batch.events) {
      const opened = openEvent(event, this.#privateKey, channel);
      if (opened.ok) callbacks.push(opened.callback);
      else unreadable.push({ eventId: opened.eventId, reason: opened.reason, sealed: event.sealed });
    }
    const transaction = db.transaction(() => {
      const ids = storeCallbacks(db, callbacks, { channel, cursor: nextCursor });
      for (const entry of unreadable) recordUnreadable(db, channel, entry);
      return ids;
    });
    const ids = transaction.immediate();
    this.#stats.cursor = nextCursor;
    this.#stats.stored += ids.length;
    if (ids.length > 0) this.#stats.lastEventAt = new Date().toISOString();
    this.#stats.redelivered += callbacks.length - ids.length;
    this.#stats.unreadable += unreadable.length;
    for (const entry of unreadable) {
      log.error(
        { channel, eventId: entry.eventId, reason: entry.reason },
        'relay event could not be opened; kept in the audit log',
      );
    }
    // Listeners run after the commit: a listener that throws must not undo what is stored.
    try {
      this.#listeners.emit(ids);
    } catch (error) {
      log.error({ channel, err: describe(error) }, 'a callback listener failed');
    }
  }

  /** Acknowledges up to the stored cursor. A lost ack is harmless: the next one covers it. */
  async #acknowledge(http: RelayHttp, signal: AbortSignal): Promise<void> {
    const cursor = this.#stats.cursor;
    if (cursor === null || cursor === this.#stats.ackedCursor) return;
    try {
      await http.ack(cursor, signal);
      recordRelayAck(this.#options.db, this.#options.channel, cursor);
      this.#stats.ackedCursor = cursor;
    } catch (error) {
      if (signal.aborted) return;
      log.warn(
        { channel: this.#options.channel, reason: describe(error) },
        'relay acknowledgement failed; the next one covers it',
      );
    }
  }
}

/**
 * An event that cannot be opened has no trustworthy kind or body, so it cannot enter the inbox; but
 * it must not vanish either. Its sealed envelope goes into the hash-chained audit log in the same
 * transaction as the cursor, so it can be opened later (e.g. with a key from before a rotation).
 */
function recordUnreadable(
  db: ProfileDatabase,
  channel: string,
  entry: { eventId: string; reason: string; sealed: unknown },
): void {
  appendAudit(db, {
    actor: 'system',
    action: 'relay_event.unreadable',
    entity: 'relay_event',
    entityId: entry.eventId,
    details: { channel, reason: entry.reason, sealed: entry.sealed },
  });
}

function ackedCursor(db: ProfileDatabase, channel: string): string | null {
  const row = db.prepare('SELECT acked_cursor FROM relay_cursor WHERE channel = ?').get(channel) as
    { acked_cursor: string | null } | undefined;
  return row?.acked_cursor ?? null;
}

function describe(error: unknown): string {
  if (error instanceof RelayRequestError) return error.message;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Sleeps, but wakes at once when the client is stopped. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
