// docs/roles.md says who may call each contract method; this keeps it true. Every method row of
// its tables must say exactly what methodAccess declares: the kind, who may call it, and why.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { methodNames, type MethodName } from '../../src/shared/contract';
import { methodAccess, type Access } from '../../src/shared/contract/access';
import { roles, roleWords, type Role } from '../../src/shared/roles';

const page = readFileSync(new URL('../../docs/roles.md', import.meta.url), 'utf8');

interface DocumentedRow {
  method: string;
  kind: string;
  who: string;
  why: string;
}

/** The rows of the page's tables whose first cell is a method in backticks. */
function methodRows(markdown: string): DocumentedRow[] {
  const rows: DocumentedRow[] = [];
  for (const line of markdown.split('\n')) {
    const cells = line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|');
    const method = /^`([a-zA-Z]+\.[a-zA-Z]+)`$/.exec(cells[0]?.trim() ?? '')?.[1];
    if (method === undefined) continue;
    const [, kind = '', who = '', why = ''] = cells.map((cell) => cell.trim());
    rows.push({ method, kind, who, why });
  }
  return rows;
}

function whoWords(access: Access): string {
  if (access === 'anyone') return 'anyone';
  if (access === 'signed-in') return 'anyone signed in';
  return access.map((role) => roleWords[role].name).join(', ');
}

const roleByName = new Map<string, Role>(roles.map((role) => [roleWords[role].name, role]));

describe('docs/roles.md', () => {
  const rows = methodRows(page);

  it('lists every contract method once, and nothing else', () => {
    expect(rows.map((row) => row.method).sort()).toEqual([...methodNames].sort());
  });

  it('says for each method what methodAccess declares', () => {
    for (const row of rows) {
      const rule = methodAccess[row.method as MethodName];
      expect({ kind: row.kind, who: row.who, why: row.why }, row.method).toEqual({
        kind: rule.kind,
        who: whoWords(rule.access),
        why: rule.why ?? '',
      });
    }
  });

  it('names only roles Mshahara has', () => {
    for (const row of rows) {
      if (row.who === 'anyone' || row.who === 'anyone signed in') continue;
      for (const name of row.who.split(', ')) expect(roleByName.has(name), `${row.method}: ${name}`).toBe(true);
    }
  });

  it('describes each role', () => {
    for (const role of roles) expect(page).toMatch(new RegExp(`^\\| ${roleWords[role].name} \\|`, 'm'));
  });
});
