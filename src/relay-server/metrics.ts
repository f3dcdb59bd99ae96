// Prometheus metrics for relay operators: what was received, refused (by reason), delivered,
// how C2B validations were answered, what is still pending, and how long the durable store took. One registry per relay instance.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RelayStore } from './store';

export type RejectReason =
  | 'unknown-channel'
  | 'stale-cursor'
  | 'wrong-secret'
  | 'unknown-kind'
  | 'ip-not-allowed'
  | 'too-large'
  | 'content-type'
  | 'not-json'
  | 'rate-limited'
  | 'unauthorised'
  | 'bad-request'
  | 'store-failed';

export interface RelayMetrics {
  registry: Registry;
  /** Labelled by channel only once the channel is authenticated: strangers cannot mint label values. */
  received: Counter<'channel' | 'kind'>;
  duplicates: Counter;
  /** C2B validations answered, by result code ('0' accepted). */
  c2bValidations: Counter<'result'>;
  rejected: Counter<'reason'>;
  delivered: Counter<'channel'>;
  /** Connections closed on accept: over the per-address cap, or over the server's maximum. */
  connectionsRefused: Counter<'reason'>;
  /** Accepts that failed (e.g. EMFILE: out of file descriptors), by error code. */
  acceptErrors: Counter<'code'>;
  storeSeconds: Histogram;
  commitSize: Histogram;
  commitSeconds: Histogram;
}

/** `store` is read for the pending gauge; commits are reported through `metrics.commitSize/commitSeconds`. */
export function createMetrics(
  store: Pick<RelayStore, 'pendingCount' | 'pendingByChannel'>,
  waiting: () => number = () => 0,
): RelayMetrics {
  const registry = new Registry();
  const received = new Counter({
    name: 'relay_callbacks_received_total',
    help: 'Callbacks stored and acknowledged to Daraja',
    labelNames: ['channel', 'kind'],
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'relay_callbacks_duplicate_total',
    help: 'Repeated identical callbacks (acknowledged, stored once)',
    registers: [registry],
  });
  const c2bValidations = new Counter({
    name: 'relay_c2b_validations_total',
    help: "C2B validations answered, by result code ('0' accepted, C2B000xx rejected by the channel's rules)",
    labelNames: ['result'],
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'relay_requests_rejected_total',
    help: 'Requests refused, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const delivered = new Counter({
    name: 'relay_events_delivered_total',
    help: 'Events acknowledged by desktops',
    labelNames: ['channel'],
    registers: [registry],
  });
  const connectionsRefused = new Counter({
    name: 'relay_connections_refused_total',
    help: 'Connections closed as soon as accepted, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const acceptErrors = new Counter({
    name: 'relay_accept_errors_total',
    help: 'Connections the relay failed to accept (e.g. out of file descriptors), by error code',
    labelNames: ['code'],
    registers: [registry],
  });
  new Gauge({
    name: 'relay_events_pending',
    help: 'Events stored but not yet acknowledged',
    registers: [registry],
    async collect() {
      this.set(await store.pendingCount());
    },
  });
  new Gauge({
    name: 'relay_longpolls_waiting',
    help: 'Desktop long-polls parked on this instance right now',
    registers: [registry],
    collect() {
      this.set(waiting());
    },
  });
  new Gauge({
    name: 'relay_channel_events_pending',
    help: 'Events stored but not yet acknowledged, per channel that has any',
    labelNames: ['channel'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [channel, n] of await store.pendingByChannel()) this.set({ channel }, n);
    },
  });
  const storeSeconds = new Histogram({
    name: 'relay_store_seconds',
    help: 'Time from a callback being read to its durable commit',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const commitSize = new Histogram({
    name: 'relay_commit_callbacks',
    help: 'Callbacks per durable commit (group commit batch size)',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers: [registry],
  });
  const commitSeconds = new Histogram({
    name: 'relay_commit_seconds',
    help: 'Time of one durable commit, fsync included',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  return {
    registry,
    received,
    duplicates,
    c2bValidations,
    rejected,
    delivered,
    connectionsRefused,
    acceptErrors,
    storeSeconds,
    commitSize,
    commitSeconds,
  };
}
