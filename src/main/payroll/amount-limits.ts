// The officer's own amount limits, inside what M-Pesa allows (resources/b2c-limits.json): the
// smallest and largest single payment, and the largest run. approveRun checks them inside its
// transaction, so every door that approves a run (the screens, `cli pay`) meets the same rule.
import limits from '../../../resources/b2c-limits.json';
import { ValidationError } from '../../shared/errors';
import { formatKesWithCurrency, type Cents } from '../../shared/money';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';

export interface AmountLimits {
  minCents: Cents;
  maxCents: Cents;
  /** A run above this total is not approved; null: no run limit. */
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
  return { ...stored(db), mpesaMinCents: mpesa.minCents, mpesaMaxCents: mpesa.maxCents };
}

export function saveAmountLimits(db: ProfileDatabase, change: AmountLimitsChange, actor: string): AmountLimits {
  const next = {
    ...stored(db),
    ...Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)),
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
 * Refuses a run with a payment outside the officer's limits, or a total above the run limit,
 * naming the lines, the limit, and what to change. Called by approveRun inside its transaction.
 */
export function checkRunWithinLimits(db: ProfileDatabase, runId: number): void {
  const { minCents, maxCents, runMaxCents } = stored(db);
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
  if (runMaxCents === null) return;
  const total = db
    .prepare(`SELECT coalesce(sum(amount_cents), 0) AS cents FROM payroll_items WHERE run_id = ? AND state = 'draft'`)
    .get(runId) as { cents: number };
  if (total.cents > runMaxCents) {
    throw new ValidationError(
      `This run pays ${formatKesWithCurrency(total.cents)}, above your run limit of ${formatKesWithCurrency(runMaxCents)}; raise the limit in Settings to approve it.`,
    );
  }
}
