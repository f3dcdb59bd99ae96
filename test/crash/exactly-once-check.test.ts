// The crash test's checker must catch what it exists to catch: a double payment, a skipped
// person, a wrong amount, a ledger that differs from M-Pesa, an attempt left unresolved, a second
// run. Each case starts from a clean outcome and breaks exactly one thing.
import { describe, expect, it } from 'vitest';
import type { PaymentRecord } from '../../src/simulator';
import { exactlyOnceProblems, settlementProblems, type CrashOutcome } from './harness';
import { payrollLines } from './payroll-file';

function cleanOutcome(): CrashOutcome {
  const lines = payrollLines(5, 3);
  const payments: PaymentRecord[] = lines.map((l, i) => ({
    receipt: `UKM00000${i}`,
    originatorConversationId: `ocid-${i}`,
    conversationId: `AG_${i}`,
    party: l.phone,
    amountCents: l.amountCents,
    chargeCents: 0,
    completedAt: new Date(0).toISOString(),
    commandId: 'SalaryPayment',
  }));
  return {
    lines,
    payments,
    killsWhilePaying: 20,
    kills: 20,
    lives: 21,
    finalExitCode: 0,
    finalStderr: '',
    seconds: 1,
    failures: [],
    retryLives: 0,
    outageLives: 0,
    person: { resolvedPaid: 0, resolvedFailed: 0, retries: 0 },
    settledWithoutPerson: 1,
    beforePerson: undefined as unknown as CrashOutcome['beforePerson'],
    database: {
      runs: [{ id: 1, state: 'completed' }],
      items: lines.map((l, i) => ({ id: i + 1, phone: l.phone, amountCents: l.amountCents, state: 'paid' })),
      latestAttempts: lines.map((_, i) => ({
        itemId: i + 1,
        state: 'succeeded',
        resultCode: '0',
        needsAttention: 0,
        attentionReason: null,
        resolvedBy: null,
      })),
      openFindings: 0,
      unresolvedAttempts: [],
      succeededAttempts: payments.map((p) => ({
        originatorConversationId: p.originatorConversationId,
        receipt: p.receipt,
        phone: p.party,
        amountCents: p.amountCents,
      })),
      ledger: payments.map((p, i) => ({
        receipt: p.receipt,
        phone: p.party,
        amountCents: p.amountCents,
        attemptId: i + 1,
      })),
      auditChain: { ok: true, rows: 10 },
      inboxBySource: { loopback: 1000 },
      inboxEventIds: [],
      relayCursor: null,
    },
  };
}

describe('settlement checker', () => {
  it('accepts lines paid, failed on evidence, or on the work list with a reason; names every other', () => {
    const facts = cleanOutcome().database;
    expect(settlementProblems(facts)).toEqual([]);
    facts.items[0]!.state = 'failed';
    facts.latestAttempts[0] = {
      itemId: 1,
      state: 'failed',
      resultCode: '2040',
      needsAttention: 0,
      attentionReason: null,
      resolvedBy: null,
    };
    facts.items[1]!.state = 'paying';
    facts.latestAttempts[1] = {
      itemId: 2,
      state: 'unknown',
      resultCode: null,
      needsAttention: 1,
      attentionReason: 'No answer after 8 queries',
      resolvedBy: null,
    };
    expect(settlementProblems(facts)).toEqual([]);
    facts.latestAttempts[0] = {
      itemId: 1,
      state: 'failed',
      resultCode: 'mshahara.resolved',
      needsAttention: 0,
      attentionReason: null,
      resolvedBy: 'x',
    };
    facts.latestAttempts[1] = {
      itemId: 2,
      state: 'accepted',
      resultCode: null,
      needsAttention: 0,
      attentionReason: null,
      resolvedBy: null,
    };
    expect(settlementProblems(facts)).toEqual([
      "line 1 failed without M-Pesa's evidence (mshahara.resolved)",
      'line 2 is left accepted, neither settled nor on the work list',
    ]);
  });
});

describe('exactly-once checker', () => {
  it('finds nothing wrong with a clean outcome', () => {
    expect(exactlyOnceProblems(cleanOutcome())).toEqual([]);
  });

  it('catches a person paid twice (a second attempt with a new OriginatorConversationID)', () => {
    const outcome = cleanOutcome();
    const first = outcome.payments[0]!;
    outcome.payments.push({ ...first, receipt: 'UKM999999', originatorConversationId: 'ocid-again' });
    expect(exactlyOnceProblems(outcome).join('\n')).toMatch(new RegExp(`${first.party} was paid 2 times`));
  });

  it('catches a person never paid, even when the local database says paid', () => {
    const outcome = cleanOutcome();
    const skipped = outcome.payments.pop()!;
    expect(exactlyOnceProblems(outcome).join('\n')).toContain(`${skipped.party} was never paid`);
  });

  it('catches a wrong amount, a ledger row M-Pesa never paid, and a missing ledger row', () => {
    const wrongAmount = cleanOutcome();
    wrongAmount.payments[1]!.amountCents += 100;
    expect(exactlyOnceProblems(wrongAmount).join('\n')).toMatch(/was paid \d+ cents instead of/);

    const invented = cleanOutcome();
    invented.database.ledger.push({
      receipt: 'UKMFAKE01',
      phone: invented.lines[0]!.phone,
      amountCents: 1000,
      attemptId: null,
    });
    expect(exactlyOnceProblems(invented).join('\n')).toContain('ledger receipt UKMFAKE01 was never paid by M-Pesa');

    const missing = cleanOutcome();
    const dropped = missing.database.ledger.shift()!;
    expect(exactlyOnceProblems(missing).join('\n')).toContain(`receipt ${dropped.receipt}`);
  });

  it('catches an unresolved attempt, an unpaid item, a second run and a broken audit chain', () => {
    const outcome = cleanOutcome();
    outcome.database.unresolvedAttempts.push({ id: 7, state: 'unknown', phone: outcome.lines[0]!.phone });
    outcome.database.items[2]!.state = 'paying';
    outcome.database.runs.push({ id: 2, state: 'completed' });
    outcome.database.auditChain = { ok: false, brokenAt: 4, at: null, problem: 'edited', reason: 'hash mismatch' };
    outcome.database.openFindings = 1;
    const problems = exactlyOnceProblems(outcome).join('\n');
    expect(problems).toContain('1 findings');
    expect(problems).toContain('attempt 7');
    expect(problems).toContain('1 items are not paid locally');
    expect(problems).toContain('2 payroll runs exist for one file');
    expect(problems).toContain('audit chain broken at row 4');
  });
});
