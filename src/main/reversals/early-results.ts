// A reversal's Result that came before Mshahara kept the ids it names (Daraja's callback faster
// than its synchronous answer, or a send's answer stored after a crash) was flagged as for no
// reversal. Once a send's ids are kept, every such Result that now finds its reversal is applied,
// by the same rules as any Result; one that still finds none, or that contradicts its request,
// stays flagged for a person (docs/money-safety.md#reversals).
import { parseCallback } from '../daraja/callbacks';
import type { ProfileDatabase } from '../db';
import { applyReversalResult, matchResult } from './apply-result';
import { reversalByDarajaIds } from './store';

interface FlaggedRow {
  id: number;
  body: string;
}

function applyIfMatched(db: ProfileDatabase, row: FlaggedRow, nowIso: string): boolean {
  const parsed = parseCallback(row.body, 'reversal-result');
  if (!parsed.ok || parsed.event.type !== 'reversal-result') return false;
  const event = parsed.event;
  // Only by the ids of a send Mshahara made: an old Result naming just an original is not taken
  // for a reversal asked after it.
  if (reversalByDarajaIds(db, event.conversationId, event.originatorConversationId) === null) return false;
  if (typeof matchResult(db, event) === 'string') return false;
  db.transaction(() => {
    const cleared = db
      .prepare(
        `UPDATE inbox SET flag = NULL, reason = NULL, processed_at = NULL WHERE id = ? AND applied = 0 AND flag = 'unmatched'`,
      )
      .run(row.id).changes;
    if (cleared === 1) applyReversalResult(db, row.id, event, nowIso);
  }).immediate();
  return true;
}

/** Applies the flagged Results that name one of these ids (a send's, just kept); how many were applied. */
export function applyEarlyReversalResults(
  db: ProfileDatabase,
  ids: ReadonlyArray<string | null>,
  nowIso: string,
): number {
  let applied = 0;
  for (const id of ids) {
    if (id === null || id === '') continue;
    const rows = db
      .prepare(
        `SELECT id, body FROM inbox WHERE kind = 'reversal-result' AND applied = 0 AND flag = 'unmatched' AND instr(body, ?) > 0 ORDER BY id`,
      )
      .all(id) as FlaggedRow[];
    for (const row of rows) if (applyIfMatched(db, row, nowIso)) applied += 1;
  }
  return applied;
}

/** At a start: every flagged Result that now finds its reversal is applied (the newest 500). */
export function applyFlaggedReversalResults(db: ProfileDatabase, nowIso: string): number {
  const rows = db
    .prepare(
      `SELECT id, body FROM inbox WHERE kind = 'reversal-result' AND applied = 0 AND flag = 'unmatched' ORDER BY id DESC LIMIT 500`,
    )
    .all() as FlaggedRow[];
  let applied = 0;
  for (const row of rows.reverse()) if (applyIfMatched(db, row, nowIso)) applied += 1;
  return applied;
}
