// The proof of Mshahara's promise: a 1,000-person payroll paid by `pay` in a child process that is
// SIGKILLed at seeded random moments at least 20 times, against a simulator that drops, duplicates
// and delays callbacks, loses answers after paying, and throttles above 50 requests a second.
// It runs twice, once per route a callback can take:
// - loopback: callbacks addressed to a killed process die with its port, so the restarted process
//   must recover them by Transaction Status;
// - relay: callbacks travel simulator → companion relay → relay client → engine; the relay outlives
//   every kill and the restarted process catches up from its cursor.
// At the end M-Pesa's ground truth must show everyone paid exactly once, and the local ledger must
// equal it to the cent.
import { describe, expect, it } from 'vitest';
import { exactlyOnceProblems, runCrashScenario, type CrashOutcome } from './harness';

const seed = Number(process.env.MSHAHARA_CRASH_SEED ?? 20261121);

describe('crash test', () => {
  it.each(['loopback', 'relay'] as const)(
    'pays 1,000 people exactly once through 20+ SIGKILLs, lost, duplicated and late callbacks, lost answers and throttling (callbacks by %s)',
    async (callbacks) => {
      const outcome: CrashOutcome = await runCrashScenario({
        seed,
        items: 1000,
        kills: 20,
        ratePerSecond: 45,
        resultTimeoutSeconds: 3,
        faults: {
          dropCallback: 0.05,
          duplicateCallback: 0.05,
          errorAfter: 0.02,
          spikeArrestPerSecond: 50,
          callbackDelayMs: { min: 20, max: 1500 },
        },
        maxLifeMs: 1000,
        deadlineMs: 115_000,
        callbacks,
      });
      const context = `${callbacks}, seed ${seed}, ${outcome.kills} kills, ${outcome.lives} lives, ${outcome.seconds.toFixed(1)} s`;

      expect(outcome.killsWhilePaying, context).toBeGreaterThanOrEqual(20);
      expect(outcome.finalExitCode, `${context}\n${outcome.finalStderr.slice(-1500)}`).toBe(0);
      expect(exactlyOnceProblems(outcome), context).toEqual([]);
      // The same facts stated directly, so a bug in the checker cannot hide a double payment.
      expect(outcome.payments).toHaveLength(1000);
      expect(new Set(outcome.payments.map((p) => p.party)).size).toBe(1000);
      expect(outcome.database.ledger).toHaveLength(1000);
      expect(outcome.database.unresolvedAttempts).toEqual([]);
      expect(outcome.database.auditChain.ok).toBe(true);

      // The callbacks took the route under test, and only that one.
      const sources = Object.keys(outcome.database.inboxBySource);
      if (callbacks === 'loopback') {
        expect(sources, context).toEqual(['loopback']);
      } else {
        expect(sources, context).toHaveLength(1);
        expect(sources[0], context).toMatch(/^relay:/);
        // The relay kept every callback that reached it (the simulator drops 5% before sending); the
        // desktop stored each one it acknowledged, exactly once, and nothing the relay did not hand out.
        const relayEvents = outcome.relay ?? [];
        const inbox = new Set(outcome.database.inboxEventIds);
        expect(relayEvents.length, context).toBeGreaterThan(900);
        // Everything up to where the desktop stands is in its inbox: nothing skipped across 20+ kills.
        const reached = Number(outcome.database.relayCursor?.split('.')[0] ?? 0);
        expect(reached, context).toBeGreaterThan(900);
        expect(relayEvents.filter((e) => e.seq <= reached && !inbox.has(e.id)), context).toEqual([]);
        expect(relayEvents.filter((e) => e.acknowledged && !inbox.has(e.id)), context).toEqual([]);
        const relayIds = new Set(relayEvents.map((e) => e.id));
        expect(outcome.database.inboxEventIds.filter((id) => !relayIds.has(id)), context).toEqual([]);
      }
    },
    120_000,
  );
});
