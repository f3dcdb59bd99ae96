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

/** The rows oldest first: portal exports list newest first, SFTP extracts oldest first. */
export function chronological(rows: readonly StatementRow[]): StatementRow[] {
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (first === undefined || last === undefined) return [];
  return first.completedAt > last.completedAt ? [...rows].reverse() : [...rows];
}

export function checkContinuity(rows: readonly StatementRow[], preamble: StatementPreamble): BalanceGap[] {
  const gaps: BalanceGap[] = [];
  const moved = chronological(rows).filter((r) => r.status.toLowerCase() === 'completed' && r.balanceCents !== null);
  let previous: { receipt: string; balanceCents: Cents } | null =
    preamble.openingBalanceCents === null ? null : { receipt: 'opening balance', balanceCents: preamble.openingBalanceCents };
  for (const row of moved) {
    const balance = row.balanceCents as Cents;
    if (previous !== null) {
      const expected = previous.balanceCents + row.paidInCents - row.withdrawnCents;
      if (expected !== balance) gaps.push({ after: previous.receipt, before: row.receipt, missingCents: balance - expected });
    }
    previous = { receipt: row.receipt, balanceCents: balance };
  }
  if (preamble.closingBalanceCents !== null && previous !== null && previous.balanceCents !== preamble.closingBalanceCents) {
    gaps.push({ after: previous.receipt, before: 'closing balance', missingCents: preamble.closingBalanceCents - previous.balanceCents });
  }
  return gaps;
}
