// Exported cells that a spreadsheet could run as formulas come out as inert text.
import { describe, expect, it } from 'vitest';
import { looksLikeFormula, neutraliseCell } from '../../src/shared/spreadsheet-safety';

describe('neutraliseCell', () => {
  it.each(['=SUM(A1:A2)', '+254712345678', '-Advance', '@SUM(1)', "=cmd|' /C calc'!A0"])(
    'prefixes %j with an apostrophe',
    (text) => {
      expect(neutraliseCell(text)).toBe(`'${text}`);
      expect(looksLikeFormula(text)).toBe(true);
    },
  );

  it.each([
    ['BOB;=1+1', "BOB;'=1+1"],
    ['Kamau, -Advance', "Kamau, '-Advance"],
    ['a|@SUM(1)', "a|'@SUM(1)"],
    ['x\t+1', "x\t'+1"],
    ['line\n=HYPERLINK("x")', 'line\n\'=HYPERLINK("x")'],
    ['Ann;"=1+1"', 'Ann;"\'=1+1"'],
    ['\t=1+1', "'\t'=1+1"],
    ['\r=1+1', "'\r'=1+1"],
  ])(
    'neutralises a trigger after a separator, where a spreadsheet splitting the cell would start a formula: %j',
    (text, safe) => {
      expect(neutraliseCell(text)).toBe(safe);
    },
  );

  it.each([
    'Wanjiku Kamau',
    '254712345678',
    'Salary = basic + allowances',
    'Kamau; Otieno',
    'KES 1,000',
    '',
    "'=already safe",
  ])('leaves %j as it is', (text) => {
    expect(neutraliseCell(text)).toBe(text);
  });

  it('leaves numbers, booleans, dates and empty values alone: a spreadsheet never evaluates them', () => {
    const date = new Date(0);
    expect(neutraliseCell(-500)).toBe(-500);
    expect(neutraliseCell(true)).toBe(true);
    expect(neutraliseCell(date)).toBe(date);
    expect(neutraliseCell(null)).toBeNull();
    expect(neutraliseCell(undefined)).toBeUndefined();
  });
});
