// The promise for money going back: refunds and reversals in flight while the approver's program
// is SIGKILLed at seeded random moments, against a simulator that loses answers after acting,
// drops, repeats and delays callbacks and plays every undocumented Daraja behaviour. At the end
// M-Pesa's record (the simulator's) shows nobody refunded or reversed twice, and the ledger equals it.
import { describe, expect, it } from 'vitest';
import { moneyBackProblems, runMoneyBackScenario } from './money-back';

const seed = Number(process.env.MSHAHARA_CRASH_SEED ?? 20261201);

describe('crash test: refunds and reversals', () => {
  it('refunds and reverses each customer once through 12+ SIGKILLs against a realistic Daraja', async () => {
    const outcome = await runMoneyBackScenario({
      seed,
      refunds: 10,
      reversals: 10,
      kills: 12,
      realistic: true,
      faults: {
        dropCallback: 0.15,
        duplicateCallback: 0.15,
        errorAfter: 0.1,
        callbackDelayMs: { min: 20, max: 1200 },
      },
      maxLifeMs: 4000,
      deadlineMs: 360_000,
      log: process.env.MSHAHARA_CRASH_LOG === '1' ? (m: string) => console.log(m) : undefined,
    });
    const context = `seed ${seed}, ${outcome.kills} kills, ${outcome.lives} lives, ${outcome.seconds.toFixed(1)} s`;
    const refunded = outcome.facts.refunds.filter((r) => r.state === 'paid').length;
    const reversed = outcome.facts.reversals.filter((r) => r.state === 'succeeded').length;
    const reversalStates = outcome.facts.reversals
      .map((r) => `${r.state}${r.needsAttention === 1 ? ' (a person)' : ''}`)
      .sort()
      .join(', ');
    console.log(
      `crash test (refunds and reversals): ${outcome.kills} kills in ${outcome.lives} lives; ` +
        `${refunded}/10 refunds paid, ${reversed}/10 reversals made (${outcome.facts.reversedOriginals.length} originals known reversed), ` +
        `${outcome.resolvedByPerson} refund lines settled by a person; reversals: ${reversalStates}; ${outcome.seconds.toFixed(1)} s`,
    );
    expect(outcome.kills, context).toBeGreaterThanOrEqual(12);
    expect(moneyBackProblems(outcome), context).toEqual([]);
    // The same facts stated directly, so a bug in the checker cannot hide money sent back twice.
    const refundedParties = outcome.payments.map((p) => p.party);
    expect(new Set(refundedParties).size, context).toBe(refundedParties.length);
    const reversedOriginals = outcome.reversalsMade.map((r) => r.originalReceipt);
    expect(new Set(reversedOriginals).size, context).toBe(reversedOriginals.length);
    // Every refund reached an end on evidence or by a person, and M-Pesa did the work it was asked.
    expect(
      outcome.facts.refunds.filter((r) => !['paid', 'failed'].includes(r.state)),
      context,
    ).toEqual([]);
    expect(outcome.payments.length, context).toBe(refunded);
    expect(outcome.reversalsMade.length, context).toBeGreaterThan(0);
    expect(outcome.facts.auditOk, context).toBe(true);
  }, 420_000);
});
