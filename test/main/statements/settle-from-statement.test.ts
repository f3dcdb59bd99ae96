// Statement evidence settles payments waiting on a person, through the payout engine's own resolve
// path: M-Pesa's answers never arrived, the statement shows the receipts, the accountant confirms
// the proposal, Transaction Status confirms the receipt, and each worker is paid exactly once.
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { confirmProposal } from '../../../src/main/statements/decide';
import { importStatement } from '../../../src/main/statements/import';
import { showReconciliation } from '../../../src/main/statements/reconcile';
import {
  approvedRun,
  customersFor,
  harness,
  itemStates,
  paidExactlyOnce,
  worker,
  type Harness,
} from '../payroll/engine/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('settling a needs-attention payment from the statement', () => {
  it('proposes the waiting attempt for the statement row and settles it only when a person confirms', async () => {
    // Two workers paid the same amount on the same day: amount and date alone cannot tell them apart.
    const workers = [worker(1, 2500_00), worker(2, 2500_00)];
    h = await harness({
      customers: customersFor(workers),
      faults: { dropCallback: 1 },
      engine: { resultTimeoutMs: 100, maxStatusQueries: 2, attentionMaxIntervalMs: 3_600_000 },
    });
    const runId = approvedRun(h.db, workers);
    h.db
      .prepare(`UPDATE payroll_runs SET state = 'running', started_at = ? WHERE id = ?`)
      .run(new Date().toISOString(), runId);
    h.db.prepare(`UPDATE payroll_items SET state = 'queued' WHERE run_id = ?`).run(runId);
    await h.engine.start();
    await h.engine.waitUntilFinal(runId);
    expect(h.engine.attention(runId)).toHaveLength(2);
    await h.engine.stop();
    h.sim.setFaults({ dropCallback: 0 });
    const engine = h.newEngine({ resultTimeoutMs: 60_000, sendPayments: false });

    const answer = await request(`${h.sim.baseUrl}/simulator/statement?account=utility&format=csv`);
    const bytes = Buffer.from(await answer.body.arrayBuffer());
    const now = () => new Date().toISOString();
    await importStatement(h.db, { fileName: 'utility.csv', bytes, actor: 'accountant', now: now() });
    const period = now().slice(0, 7);
    const rows = showReconciliation(h.db, 'Utility Account', period).rows;
    expect(rows.map((r) => r.bucket)).toEqual(['statement_only', 'statement_only']);
    // The masked party (2547****001) tells the two apart: each row proposes exactly its own worker.
    for (const row of rows) {
      const paid = h.sim.payments().find((p) => p.receipt === row.receipt)!;
      expect(row.proposals).toMatchObject([{ phone: paid.party, needsAttention: true }]);
    }
    // Nothing was applied on its own.
    expect(itemStates(h.db, runId)).toEqual({ paying: 2 });

    for (const row of rows) {
      const outcome = await confirmProposal(
        h.db,
        (itemId, resolution, actor) => engine.resolveItem(itemId, resolution, actor),
        { rowId: row.statementRowId, attemptId: row.proposals[0]!.attemptId, actor: 'accountant', now: now() },
      );
      expect(outcome).toMatchObject({ outcome: 'paid', checked: 'confirmed' });
    }
    expect(itemStates(h.db, runId)).toEqual({ paid: 2 });
    paidExactlyOnce(h, workers);
    const after = showReconciliation(h.db, 'Utility Account', period);
    expect(after.rows.map((r) => r.bucket)).toEqual(['matched', 'matched']);
    expect(after.onlyInLedger).toEqual([]);
  }, 60_000);
});
