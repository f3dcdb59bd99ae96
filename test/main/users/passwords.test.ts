// Password hashes and the rules a new password meets.
import { describe, expect, it } from 'vitest';
import {
  currentCost,
  standInHash,
  hashPassword,
  passwordProblem,
  verifyPassword,
  checkNewPassword,
} from '../../../src/main/users/passwords';

describe('password hashes', () => {
  it('salts every hash, records its cost, and verifies only the right password', async () => {
    const first = await hashPassword('mango tree at noon');
    const second = await hashPassword('mango tree at noon');
    expect(first).toMatch(/^scrypt\$N=32768,r=8,p=1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    // Same password, different salt, different stored text: equal passwords cannot be spotted.
    expect(second).not.toBe(first);
    expect(first.split('$')[2]).not.toBe(second.split('$')[2]);
    expect(first).not.toContain('mango');

    expect(await verifyPassword('mango tree at noon', first)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword('mango tree at noon', second)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword('Mango tree at noon', first)).toEqual({ ok: false, needsRehash: false });
    expect(await verifyPassword('', first)).toEqual({ ok: false, needsRehash: false });
  });

  it('still verifies a hash made with older parameters, and asks for it to be replaced', async () => {
    const old = await hashPassword('mango tree at noon', { N: 16_384, r: 8, p: 1 });
    expect(old).toMatch(/^scrypt\$N=16384,r=8,p=1\$/);
    expect(await verifyPassword('mango tree at noon', old)).toEqual({ ok: true, needsRehash: true });
    // A wrong password never asks for a new hash.
    expect(await verifyPassword('banana tree at noon', old)).toEqual({ ok: false, needsRehash: false });
    expect(currentCost).toEqual({ N: 32_768, r: 8, p: 1 });
  });

  it('keeps the stand-in hash for unknown names at the current cost, so it costs what a real check does', async () => {
    expect(standInHash.startsWith(`scrypt$N=${currentCost.N},r=${currentCost.r},p=${currentCost.p}$`)).toBe(true);
    expect(await verifyPassword('', standInHash)).toEqual({ ok: false, needsRehash: false });
  });

  it('never matches a stored text it cannot read, or one with a cost that would exhaust memory', async () => {
    const good = await hashPassword('mango tree at noon');
    const [, , salt, key] = good.split('$');
    expect(await verifyPassword('mango tree at noon', 'mango tree at noon')).toMatchObject({ ok: false });
    expect(await verifyPassword('mango tree at noon', `scrypt$N=33000,r=8,p=1$${salt}$${key}`)).toMatchObject({
      ok: false,
    });
    expect(await verifyPassword('mango tree at noon', `scrypt$N=32768,r=8,p=100000$${salt}$${key}`)).toMatchObject({
      ok: false,
    });
    expect(await verifyPassword('mango tree at noon', `scrypt$N=1073741824,r=8,p=1$${salt}$${key}`)).toMatchObject({
      ok: false,
    });
  });
});

describe('password rules', () => {
  it.each([
    ['short9char', 'amina', null],
    ['short', 'amina', /at least 10 characters/],
    ['x'.repeat(201), 'amina', /at most 200/],
    ['amina.wanjiru2026', 'amina.wanjiru', /must not contain the username/],
    ['AMINA-is-the-best', 'amina', /must not contain the username/],
    ['Password123', 'amina', /first a guesser tries/],
    ['mshahara2026', 'amina', /first a guesser tries/],
    ['abababababab', 'amina', /at least 4 different characters/],
    ['mango tree at noon', 'amina', null],
  ])('"%s" for %s', (password, username, expected) => {
    const problem = passwordProblem(password, username);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it('refuses with a validation error naming the field', () => {
    expect(() => checkNewPassword('short', 'amina', 'newPassword')).toThrow(
      expect.objectContaining({ kind: 'validation', field: ['newPassword'] }),
    );
  });
});
