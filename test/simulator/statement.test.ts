// The simulator's statement: payments, collections and reversals on the Utility account with a
// balance column that adds up; charges on the Charges Paid account linked to their payment.
import { describe, expect, it } from 'vitest';
import { Identifiers } from '../../src/simulator/identifiers';
import { OrganisationModel } from '../../src/simulator/model';
import { createRandom } from '../../src/simulator/random';
import { buildStatement, statementCsv, watchReversals } from '../../src/simulator/statement';
import { readCsvGrid } from '../../src/main/statements/grid';
import { parseStatement } from '../../src/main/statements/parse';
import { checkContinuity } from '../../src/main/statements/continuity';

function model(): OrganisationModel {
  const m = new OrganisationModel(new Identifiers(createRandom(3)), '600992', 100_000_00, true);
  watchReversals(m);
  return m;
}

describe('simulator statement', () => {
  it('lists payments, a collection and its reversal newest first, with balances that add up', () => {
    const m = model();
    const t0 = Date.parse('2026-12-01T05:00:00.000Z');
    const paid = m.payCustomer({
      msisdn: '254708374149',
      amountCents: 1500_00,
      commandId: 'SalaryPayment',
      originatorConversationId: 'o-1',
      conversationId: 'c-1',
      at: new Date(t0),
    });
    const collection = m.collect({
      msisdn: '254712000111',
      amountCents: 250_00,
      kind: 'c2b',
      at: new Date(t0 + 60_000),
    });
    const reversed = m.reverse(collection.receipt, new Date(t0 + 120_000));
    // A refused payment moves no money and is not on the statement.
    m.payCustomer({
      msisdn: '254708374149',
      amountCents: 1_00,
      commandId: 'SalaryPayment',
      originatorConversationId: 'o-2',
      conversationId: 'c-2',
      at: new Date(t0 + 180_000),
    });
    expect(paid.ok && reversed.ok).toBe(true);

    const utility = buildStatement(m, 'utility', new Date(0), new Date(t0 + 3600_000));
    expect(utility.lines.map((l) => [l.withdrawnCents, l.paidInCents, l.balanceCents, l.linkedReceipt])).toEqual([
      [250_00, 0, 98_500_00, collection.receipt],
      [0, 250_00, 98_750_00, ''],
      [1500_00, 0, 98_500_00, ''],
    ]);
    expect([utility.openingCents, utility.closingCents]).toEqual([100_000_00, m.balances.utilityCents]);

    const parsed = parseStatement(readCsvGrid(statementCsv(utility)));
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows.map((r) => r.entry)).toEqual(['reversal', 'money', 'money']);
    expect(parsed.rows[2]).toMatchObject({
      otherParty: `2547****149 - ${m.customerName('254708374149') ?? ''}`,
      completedAt: '2026-12-01T05:00:00.000Z',
    });
    expect(checkContinuity(parsed.rows, parsed.preamble)).toEqual([]);

    const charges = buildStatement(m, 'charges', new Date(0), new Date(t0 + 3600_000));
    const chargeRows = parseStatement(readCsvGrid(statementCsv(charges))).rows;
    expect(chargeRows).toMatchObject([
      { entry: 'charge', withdrawnCents: m.chargeFor(1500_00), linkedReceipt: paid.ok ? paid.record.receipt : '' },
    ]);
  });

  it('a period starts from the balance its first row found', () => {
    const m = model();
    const t0 = Date.parse('2026-12-01T05:00:00.000Z');
    m.payCustomer({
      msisdn: '254708374149',
      amountCents: 1000_00,
      commandId: 'SalaryPayment',
      originatorConversationId: 'o-1',
      conversationId: 'c-1',
      at: new Date(t0),
    });
    m.payCustomer({
      msisdn: '254708374150',
      amountCents: 2000_00,
      commandId: 'SalaryPayment',
      originatorConversationId: 'o-2',
      conversationId: 'c-2',
      at: new Date(t0 + 86_400_000),
    });
    const secondDay = buildStatement(m, 'utility', new Date(t0 + 3600_000), new Date(t0 + 2 * 86_400_000));
    expect(secondDay.lines).toHaveLength(1);
    expect([secondDay.openingCents, secondDay.closingCents]).toEqual([99_000_00, 97_000_00]);
  });
});
