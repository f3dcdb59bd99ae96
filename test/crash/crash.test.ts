// The proof of Mshahara's promise: a 1,000-person payroll paid by `pay` in a child process that is
// SIGKILLed at seeded random moments at least 20 times, against a simulator that plays every
// undocumented Daraja behaviour (`--realistic`: processing that lags acceptance, a "not found"
// that is not R000002, status answers about the query, Daraja's own OriginatorConversationIDs,
// queue timeouts, throttling as a Result, masked party names, payees who fail), and also drops,
// duplicates and delays callbacks, loses answers after paying, and throttles above 50 a second.
// "Retry failed" is approved between kills; in the relay route the relay is down for a while.
// It runs twice, once per route a callback can take:
// - loopback: callbacks addressed to a killed process die with its port, so the restarted process
//   must recover them by Transaction Status;
// - relay: callbacks travel simulator → companion relay → relay client → engine; the relay outlives
//   every kill and the restarted process catches up from its cursor.
// At the end M-Pesa's ground truth must show everyone paid exactly once, and the local ledger must
// equal it to the cent.
import { describe, expect, it } from 'vitest';
import { exactlyOnceProblems, runCrashScenario, settlementProblems, type CrashOutcome } from './harness';

const seed = Number(process.env.MSHAHARA_CRASH_SEED ?? 20261121);

describe('crash test', () => {
  // Two plausible Darajas: "not found" is SFC_IC0003 and Transaction Status reports a refused
  // payment as ResultCode 0 "Failed"; or "not found" is R000002 and it answers with the refusal's
  // own code (which settles nothing: such a payment waits for a person when its Result is lost).
  it.each([
    ['loopback', 'SFC_IC0003', 'failed-status'],
    ['relay', 'R000002', 'result-code'],
  ] as const)(
    'pays 1,000 people exactly once through 20+ SIGKILLs against a realistic Daraja (callbacks by %s, "not found" is %s)',
    async (callbacks, statusNotFoundCode, statusForFailed) => {
      const outcome: CrashOutcome = await runCrashScenario({
        seed,
        items: 1000,
        kills: 20,
        ratePerSecond: 45,
        resultTimeoutSeconds: 3,
        realistic: true,
        faults: {
          statusNotFoundCode,
          statusForFailed,
          dropCallback: 0.05,
          duplicateCallback: 0.05,
          errorAfter: 0.02,
          spikeArrestPerSecond: 50,
          callbackDelayMs: { min: 20, max: 1500 },
        },
        retryEvery: 4,
        ...(callbacks === 'relay' ? { relayOutage: { afterKills: 8, lives: 2 } } : {}),
        maxLifeMs: 1000,
        deadlineMs: 420_000,
        callbacks,
        log: process.env.MSHAHARA_CRASH_LOG === '1' ? (m: string) => console.log(m) : undefined,
      });
      const context = `${callbacks}, seed ${seed}, ${outcome.kills} kills, ${outcome.lives} lives, ${outcome.seconds.toFixed(1)} s`;
      const share = (outcome.settledWithoutPerson * 100).toFixed(1);
      console.log(
        `crash test (${callbacks}, not-found ${statusNotFoundCode}): ${outcome.kills} kills, ${outcome.retryLives} retry lives, ${outcome.outageLives} lives with the relay down; ` +
          `M-Pesa refused ${outcome.failures.length} payments; a person resolved ${outcome.person.resolvedPaid} as paid and ${outcome.person.resolvedFailed} as failed; ` +
          `settled without a person: ${share}% of 1,000 lines; ${outcome.seconds.toFixed(1)} s`,
      );

      expect(outcome.killsWhilePaying, context).toBeGreaterThanOrEqual(20);
      // The opponent did play: payees failed, and "retry failed" ran between kills.
      expect(outcome.failures.length, context).toBeGreaterThan(0);
      // Through the relay, refusals reach the engine whatever is killed, so "retry failed" runs between
      // kills every time; on loopback a refusal's Result dies with the killed process and may be
      // settled only after the last kill, so there it is approved when it can be.
      if (callbacks === 'relay') {
        expect(outcome.retryLives, context).toBeGreaterThan(0);
        expect(outcome.outageLives, context).toBeGreaterThan(0);
      }
      // Before any person acted: nothing hidden, nothing stranded, nobody paid twice.
      expect(settlementProblems(outcome.beforePerson), context).toEqual([]);
      expect(outcome.beforePerson.openFindings, context).toBe(0);
      expect(outcome.settledWithoutPerson, context).toBeGreaterThanOrEqual(0.95);
      // After the person cleared the work list: everyone paid exactly once, the ledger equal to M-Pesa.
      // (The run must be completed: exactlyOnceProblems checks it, whichever program finished it.)
      expect(exactlyOnceProblems(outcome), `${context}\n${outcome.finalStderr.slice(-1500)}`).toEqual([]);
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
        expect(
          relayEvents.filter((e) => e.seq <= reached && !inbox.has(e.id)),
          context,
        ).toEqual([]);
        expect(
          relayEvents.filter((e) => e.acknowledged && !inbox.has(e.id)),
          context,
        ).toEqual([]);
        const relayIds = new Set(relayEvents.map((e) => e.id));
        expect(
          outcome.database.inboxEventIds.filter((id) => !relayIds.has(id)),
          context,
        ).toEqual([]);
      }
    },
    480_000,
  );
});
