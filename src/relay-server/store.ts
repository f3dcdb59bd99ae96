// The relay's storage contract. The server only speaks to this interface, so a relay serving many
// employers can swap the embedded SQLite store for a shared database without touching the routes.
import type { C2bRules } from './c2b-rules';

/** A channel as stored: no secret in clear, only hashes of the path secret and pull token. */
export interface ChannelRecord {
  id: string;
  /** Who the channel is for (an operator's customer, e.g. an employer's name); null when not said. */
  owner: string | null;
  publicKeyPem: string;
  /** sha256 of the callback path secret. */
  secretHash: Buffer;
  /** sha256 of the pull token. */
  tokenHash: Buffer;
  createdAt: string;
  /** The owner's C2B validation rules (checked before they are stored); null accepts every validation. */
  c2bRules: C2bRules | null;
}

export interface NewEvent {
  channel: string;
  kind: string;
  /** HMAC of kind + body under the channel's dedup key: equal bodies collide, the DB reveals nothing. */
  dedupKey: Buffer;
  /** The sealed envelope as JSON text. */
  sealed: string;
  receivedAt: number;
}

/** An undelivered event as `relay migrate-store` copies it, seq and id kept. */
export interface PendingEvent extends NewEvent {
  seq: number;
  id: string;
}

/** Told of events other relay instances stored, and when such news may have been missed. */
export interface StoreWatcher {
  stored(channel: string): void;
  /** Notifications may have been lost (the connection carrying them was down): look again. */
  resync(): void;
}

export interface StoredEvent {
  seq: number;
  id: string;
  sealed: string;
}

export interface AppendResult {
  seq: number;
  id: string;
  /** true when an identical body was already stored; nothing new was written. */
  duplicate: boolean;
}

export interface RelayStore {
  createChannel(channel: ChannelRecord): Promise<void>;
  /** Replaces secret and token hashes; false if the channel does not exist. */
  replaceChannelCredentials(id: string, secretHash: Buffer, tokenHash: Buffer): Promise<boolean>;
  /** Replaces the channel's C2B validation rules (null removes them); false if the channel does not exist. */
  setC2bRules(id: string, rules: C2bRules | null): Promise<boolean>;
  /** Removes the channel and all its events; false if it did not exist. */
  removeChannel(id: string): Promise<boolean>;
  channel(id: string): Promise<ChannelRecord | undefined>;
  channels(): Promise<ChannelRecord[]>;
  /** Resolves only once the event is durably on disk (committed with fsync). */
  append(event: NewEvent): Promise<AppendResult>;
  /** Events of a channel with seq > after, oldest first. */
  eventsAfter(channel: string, after: number, limit: number): Promise<StoredEvent[]>;
  /** The highest seq ever given to an event (0 before the first): a cursor above it comes from another store. */
  highestSeq(): Promise<number>;
  /** Whose event holds `seq`, and its id; undefined when none does (never given, or pruned). */
  eventAt(seq: number): Promise<{ channel: string; id: string } | undefined>;
  /** Marks the channel's events up to seq as delivered; returns how many were newly marked. */
  acknowledge(channel: string, upTo: number, now: number): Promise<number>;
  /** Deletes events acknowledged before `deliveredBefore` (epoch ms); returns how many. */
  prune(deliveredBefore: number): Promise<number>;
  /** Events not yet acknowledged, over all channels. */
  pendingCount(): Promise<number>;
  /** Events not yet acknowledged, per channel that has any. */
  pendingByChannel(): Promise<Map<string, number>>;
  /** A store shared by several relay instances tells each of what the others stored. */
  watch?(watcher: StoreWatcher): Promise<void>;
  close(): Promise<void>;
}
