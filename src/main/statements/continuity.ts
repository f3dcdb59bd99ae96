// Does the statement's own Balance column add up? Each completed row's balance must be the one
// before it plus Paid In minus Withdrawn; a break means a row is missing from the export (or was
// edited), and is reported with the receipts on either side and the amount that is unaccounted for.
import type { Cents } from '../../shared/money';
import type { StatementPreamble, StatementRow } from './parse';

export interface BalanceGap {
  /** The receipt before the break, or 'opening balance'. */
  after: string;
  /** The receipt after the break, or 'closing balance'. */
  before: string;
  /** What the missing rows must have added (negative: taken out). */
  missingCents: Cents;
}

/**
 * The rows oldest first. Portal exports list newest first, SFTP extracts oldest first; rows of the
 * same second keep the file's order. When every row has the same time the order is not written
 * down, and the balance column decides: the order in which it adds up.
 */
function orders(rows: readonly StatementRow[]): StatementRow[][] {
  const times = rows.map((r) => r.completedAt);
  const ascending = times.every((t, i) => i === 0 || (times[i - 1] as string) <= t);
  const descending = times.every((t, i) => i === 0 || (times[i - 1] as string) >= t);
  const candidates: StatementRow[][] = [];
  if (ascending) candidates.push([...rows]);
  if (descending) candidates.push([...rows].reverse());
  if (candidates.length === 0)
    candidates.push(
      [...rows].sort((a, b) => (a.completedAt < b.completedAt ? -1 : a.completedAt > b.completedAt ? 1 : 0)),
    );
  return candidates;
}

export function checkContinuity(rows: readonly StatementRow[], preamble: StatementPreamble): BalanceGap[] {
  const tries = orders(rows).map((ordered) => gapsIn(ordered, preamble));
  return tries.reduce((best, gaps) => (gaps.length < best.length ? gaps : best));
}

function gapsIn(ordered: readonly StatementRow[], preamble: StatementPreamble): BalanceGap[] {
  const gaps: BalanceGap[] = [];
  const moved = ordered.filter((r) => r.status.toLowerCase() === 'completed' && r.balanceCents !== null);
  let previous: { receipt: string; balanceCents: Cents } | null =
    preamble.openingBalanceCents === null
      ? null
      : { receipt: 'opening balance', balanceCents: preamble.openingBalanceCents };
  for (const row of moved) {
    const balance = row.balanceCents as Cents;
    if (previous !== null) {
      const expected = previous.balanceCents + row.paidInCents - row.withdrawnCents;
      if (expected !== balance)
        gaps.push({ after: previous.receipt, before: row.receipt, missingCents: balance - expected });
    }
    previous = { receipt: row.receipt, balanceCents: balance };
  }
  if (
    preamble.closingBalanceCents !== null &&
    previous !== null &&
    previous.balanceCents !== preamble.closingBalanceCents
  ) {
    gaps.push({
      after: previous.receipt,
      before: 'closing balance',
      missingCents: preamble.closingBalanceCents - previous.balanceCents,
    });
  }
  return gaps;
}
