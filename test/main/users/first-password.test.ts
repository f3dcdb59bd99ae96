// First passwords Mshahara makes for the admin to hand over: readable groups without look-alike
// characters, different every time, and always one the password rules accept for that person.
import { describe, expect, it } from 'vitest';
import { makeFirstPassword } from '../../../src/main/users/first-password';
import { passwordProblem } from '../../../src/main/users/passwords';

describe('makeFirstPassword', () => {
  it('makes readable passwords the rules accept, never containing the username', () => {
    // A two-letter username turns up by chance in about one password in a hundred: those must be skipped.
    const made = Array.from({ length: 500 }, () => makeFirstPassword('ab'));
    for (const password of made) {
      expect(password).toMatch(/^[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}$/);
      expect(password).not.toContain('ab');
      expect(passwordProblem(password, 'ab')).toBeNull();
    }
    expect(new Set(made).size).toBe(made.length);
  });
});
