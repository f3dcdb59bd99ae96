// Every action Mshahara writes reads in plain words on the audit view, and the before → after of
// each shape of details the domains write is found.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditChanges, auditWords, describedActions } from '../../../src/main/ledger/audit-words';

const sourceRoot = new URL('../../../src/main', import.meta.url).pathname;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The actions written as literals next to appendAudit ('worker.added', 'statement_rows.ticked'). */
function writtenActions(): string[] {
  const found = new Set<string>();
  for (const file of sourceFiles(sourceRoot)) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('appendAudit')) continue;
    for (const match of text.matchAll(/'([a-z_]+\.[a-z_]+)'/g)) {
      const action = match[1]!;
      if (text.includes(`action: '${action}'`) || text.includes(`'${action}' :`) || text.includes(`? '${action}'`))
        found.add(action);
    }
  }
  return [...found].sort();
}

describe('auditWords', () => {
  it('has words for every action Mshahara writes', () => {
    const actions = writtenActions();
    expect(actions.length).toBeGreaterThan(30);
    expect(actions).toContain('statement_rows.ticked');
    expect(actions.filter((action) => !describedActions.includes(action))).toEqual([]);
  });

  it('names the thing the entry is about', () => {
    const words = (action: string, entityId: string | null, details: Record<string, unknown> = {}) =>
      auditWords({ action, entity: action.split('.')[0]!, entityId, details });
    expect(words('payroll_run.approval_recorded', '12')).toBe('approved payroll run #12');
    expect(words('account.password_reset', '3', { username: 'amina' })).toBe('reset the password of amina');
    expect(words('payroll_item.removed', '40', { runId: 12, name: 'Otieno Ouma' })).toBe(
      'removed Otieno Ouma from payroll run #12',
    );
    expect(words('payout_attempt.succeeded', '7', { receipt: 'TKL3M9Q2XA' })).toBe(
      'payment try #7 was paid TKL3M9Q2XA',
    );
    expect(words('something.new', null)).toBe('something.new');
  });
});

describe('auditChanges', () => {
  it('reads a run line’s amount change as money', () => {
    expect(auditChanges({ runId: 12, fromCents: 1_500_000, toCents: 1_750_050, remarksChanged: false })).toEqual([
      { field: 'Amount', before: 'KES 15,000.00', after: 'KES 17,500.50' },
    ]);
  });

  it('leaves out what is equal on both sides, and finds nothing where there is no change', () => {
    expect(
      auditChanges({ before: { people: 2, aboveCents: null }, after: { people: 2, aboveCents: 100_000_00 } }),
    ).toEqual([{ field: 'One more person above', before: '—', after: 'KES 100,000.00' }]);
    expect(auditChanges({ username: 'amina' })).toEqual([]);
  });
});
