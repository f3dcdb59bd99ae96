// Stores raw callbacks in the inbox table (docs/money-safety.md#rule-12, docs/relay.md#how-it-works). A relay's at-least-once
// delivery is made exactly-once here: event ids are UNIQUE and the relay cursor advances in the
// same transaction as the bodies, so a crash between the two cannot skip or double an event.
import type { ProfileDatabase } from '../../db';
import type { InboundCallback } from './source';

export interface RelayPosition {
  channel: string;
  cursor: string;
}

/** Stores callbacks (and the relay position they bring us to) atomically; returns the new inbox ids. */
export function storeCallbacks(
  db: ProfileDatabase,
  callbacks: readonly InboundCallback[],
  position?: RelayPosition,
): number[] {
  const insert = db.prepare(
    `INSERT INTO inbox (event_id, received_at, source, source_ip, kind, headers, body, reason)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (event_id) DO NOTHING`,
  );
  const advance = db.prepare(
    `INSERT INTO relay_cursor (channel, cursor) VALUES (?, ?)
     ON CONFLICT (channel) DO UPDATE SET cursor = excluded.cursor,
       updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
  );
  const run = db.transaction(() => {
    const ids: number[] = [];
    for (const callback of callbacks) {
      const result = insert.run(
        callback.eventId,
        callback.receivedAt.toISOString(),
        callback.source,
        callback.sourceIp,
        callback.kind,
        JSON.stringify(callback.headers),
        callback.body,
        callback.note ?? null,
      );
      if (result.changes === 1) ids.push(Number(result.lastInsertRowid));
    }
    if (position) advance.run(position.channel, position.cursor);
    return ids;
  });
  return run.immediate();
}

/** The relay position this desktop has stored up to, or null before the first event. */
export function relayCursor(db: ProfileDatabase, channel: string): string | null {
  const row = db.prepare('SELECT cursor FROM relay_cursor WHERE channel = ?').get(channel) as
    { cursor: string } | undefined;
  return row?.cursor ?? null;
}

/** Records what was acknowledged to the relay (it may prune events before it). */
export function recordRelayAck(db: ProfileDatabase, channel: string, cursor: string): void {
  db.prepare('UPDATE relay_cursor SET acked_cursor = ? WHERE channel = ?').run(cursor, channel);
}
