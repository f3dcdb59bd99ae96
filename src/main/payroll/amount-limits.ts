// The officer's own amount limits, inside what M-Pesa allows (resources/b2c-limits.json): the
// smallest and largest single payment. approveRun checks them inside its transaction, so every
// door that approves a run meets the same rule. The run total once kept here as "a second look"
// is the approval policy's total now (approval-policy.ts): above it one more approver is needed,
// and only an admin changes it; runMaxCents reads and writes that total.
import limits from '../../../resources/b2c-limits.json';
import { ValidationError } from '../../shared/errors';
import { formatKesWithCurrency, type Cents } from '../../shared/money';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { approvalPolicy, saveApprovalPolicy } from './approval-policy';

export interface AmountLimits {
  minCents: Cents;
  maxCents: Cents;
  /** A run above this total needs one more approver (the approval policy's aboveCents); null: none. */
  runMaxCents: Cents | null;
  /** What M-Pesa itself allows per B2C payment; the officer's limits sit inside it. */
  mpesaMinCents: Cents;
  mpesaMaxCents: Cents;
}

export type AmountLimitsChange = Partial<Pick<AmountLimits, 'minCents' | 'maxCents' | 'runMaxCents'>>;

const settingsKey = 'amount_limits';
const mpesa = { minCents: limits.b2c.minPerTransactionCents, maxCents: limits.b2c.maxPerTransactionCents };
/** How many out-of-limit lines a refusal names before it says "and N more". */
const linesNamed = 5;

interface Stored {
  minCents: number;
  maxCents: number;
  runMaxCents: number | null;
}

function stored(db: ProfileDatabase): Stored {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(settingsKey) as { value: string } | undefined;
  const saved = row === undefined ? {} : (JSON.parse(row.value) as Partial<Stored>);
  return {
    minCents: saved.minCents ?? mpesa.minCents,
    maxCents: saved.maxCents ?? mpesa.maxCents,
    runMaxCents: saved.runMaxCents ?? null,
  };
}

export function amountLimits(db: ProfileDatabase): AmountLimits {
  return {
    ...stored(db),
    runMaxCents: approvalPolicy(db).aboveCents,
    mpesaMinCents: mpesa.minCents,
    mpesaMaxCents: mpesa.maxCents,
  };
}

/**
 * Saves the payment limits; a run total in the change is saved as the approval policy's total
 * (saveApprovalPolicy: an admin only, audited there), in the same transaction.
 */
export function saveAmountLimits(db: ProfileDatabase, change: AmountLimitsChange, actor: string): AmountLimits {
  const { runMaxCents, ...payments } = change;
  const next = {
    ...stored(db),
    ...Object.fromEntries(Object.entries(payments).filter(([, value]) => value !== undefined)),
  } as Stored;
  if (next.minCents < mpesa.minCents)
    throw new ValidationError(
      `The smallest payment cannot be below M-Pesa's ${formatKesWithCurrency(mpesa.minCents)}.`,
      { field: ['amountLimits', 'minCents'] },
    );
  if (next.maxCents > mpesa.maxCents)
    throw new ValidationError(
      `The largest payment cannot be above M-Pesa's ${formatKesWithCurrency(mpesa.maxCents)}.`,
      {
        field: ['amountLimits', 'maxCents'],
      },
    );
  if (next.minCents > next.maxCents)
    throw new ValidationError('The smallest payment must not be above the largest.', {
      field: ['amountLimits', 'minCents'],
    });
  if (next.minCents % 100 !== 0 || next.maxCents % 100 !== 0)
    throw new ValidationError('M-Pesa pays whole shillings: limits must be whole shillings.');
  db.transaction(() => {
    if (runMaxCents !== undefined) {
      saveApprovalPolicy(db, { aboveCents: runMaxCents }, actor);
      // Kept here too, the same value: a profile with no policy saved reads it from here.
      next.runMaxCents = runMaxCents;
    }
    db.prepare(
      `INSERT INTO settings (key, value) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
    ).run(settingsKey, JSON.stringify(next));
    appendAudit(db, {
      actor,
      action: 'settings.amount_limits',
      entity: 'settings',
      entityId: settingsKey,
      details: { ...next },
    });
  })();
  return amountLimits(db);
}

interface OutsideLine {
  line_number: number | null;
  name: string;
  amount_cents: number;
}

function describeLine(item: OutsideLine): string {
  const who = `${item.name}, ${formatKesWithCurrency(item.amount_cents)}`;
  return item.line_number === null ? who : `line ${item.line_number} (${who})`;
}

/**
 * Refuses a run with a payment outside the officer's limits, naming the lines, the limit, and
 * what to change. Called by approveRun inside its transaction. A large total is not refused here:
 * the approval policy asks for one more approver above its total.
 */
export function checkRunWithinLimits(db: ProfileDatabase, runId: number): void {
  const { minCents, maxCents } = stored(db);
  const outside = db
    .prepare(
      `SELECT line_number, name, amount_cents FROM payroll_items
        WHERE run_id = ? AND state = 'draft' AND (amount_cents < ? OR amount_cents > ?)
        ORDER BY line_number, id`,
    )
    .all(runId, minCents, maxCents) as OutsideLine[];
  if (outside.length > 0) {
    const named = outside.slice(0, linesNamed).map(describeLine).join('; ');
    const more = outside.length > linesNamed ? `; and ${outside.length - linesNamed} more` : '';
    throw new ValidationError(
      `${outside.length} payment${outside.length === 1 ? ' is' : 's are'} outside your limits (${formatKesWithCurrency(minCents)} to ${formatKesWithCurrency(maxCents)}): ${named}${more}. Change the amounts or the limits in Settings, then approve again.`,
    );
  }
}
