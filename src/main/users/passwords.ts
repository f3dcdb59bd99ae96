// Passwords of local accounts: scrypt hashes (memory-hard, node:crypto) with a fresh salt each,
// the cost written into the stored text so a hash made with older parameters still verifies and
// is replaced on the next good sign-in; and the rules a new password must meet.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ValidationError } from '../../shared/errors';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** About 100 ms per hash on an ordinary office laptop: slow for a guesser, unnoticed at sign-in. */
export const currentCost: ScryptCost = { N: 32_768, r: 8, p: 1 };

const saltBytes = 16;
const keyBytes = 32;
/**
 * Refuses a stored cost that would take the machine down (a tampered hash): 256 MiB of memory and
 * a bounded r and p at most.
 */
const maxMemoryBytes = 256 * 1024 * 1024;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = {
    N: cost.N,
    r: cost.r,
    p: cost.p,
    maxmem: Math.max(64 * 1024 * 1024, 256 * cost.N * cost.r),
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** `scrypt$N=32768,r=8,p=1$<salt base64>$<key base64>` */
export async function hashPassword(password: string, cost: ScryptCost = currentCost): Promise<string> {
  const salt = randomBytes(saltBytes);
  const key = await derive(password, salt, cost);
  return `scrypt$N=${cost.N},r=${cost.r},p=${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

const hashPattern = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

function parseHash(stored: string): ParsedHash | null {
  const match = hashPattern.exec(stored);
  if (match === null) return null;
  const [, n, r, p, salt, key] = match;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const powerOfTwo = cost.N > 1 && (cost.N & (cost.N - 1)) === 0;
  const sane = powerOfTwo && cost.r >= 1 && cost.r <= 32 && cost.p >= 1 && cost.p <= 16;
  if (!sane || 128 * cost.N * cost.r > maxMemoryBytes) return null;
  return { cost, salt: Buffer.from(salt ?? '', 'base64'), key: Buffer.from(key ?? '', 'base64') };
}

export interface PasswordCheck {
  ok: boolean;
  /** True when the password was right but the hash was made with other parameters: store a new one. */
  needsRehash: boolean;
}

/** Compares in constant time; an unreadable stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<PasswordCheck> {
  const parsed = parseHash(stored);
  if (parsed === null || parsed.key.length === 0) return { ok: false, needsRehash: false };
  const key = await derive(password, parsed.salt, parsed.cost);
  const ok = key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
  const { N, r, p } = parsed.cost;
  const current = N === currentCost.N && r === currentCost.r && p === currentCost.p;
  return { ok, needsRehash: ok && !current };
}

/**
 * The hash of a random password nobody knows, made once with the current cost. Kept in the code,
 * not made at the first unknown name, so even that first answer takes one hash, like the rest.
 */
export const standInHash =
  'scrypt$N=32768,r=8,p=1$2VWv0BK8c5zLUpykyID4bw==$2XtAxPTHwBCQwJVfvEO0Y8qHsO0cDHvRHRe58G4eYgQ=';

/**
 * The same work as checking a real password, for a name that has no account: the refusal then
 * takes as long as a wrong password does, so timing does not tell which names exist.
 */
export async function spendPasswordCheck(password: string): Promise<void> {
  await verifyPassword(password, standInHash);
}

export const passwordRules = {
  minLength: 10,
  maxLength: 200,
} as const;

/** What people choose first; refused whatever their case. Long lists belong to a breach service. */
const commonPasswords = new Set([
  '1234567890',
  '12345678910',
  '0123456789',
  '0987654321',
  '1111111111',
  '1q2w3e4r5t',
  'qwertyuiop',
  'qwerty1234',
  'qwerty12345',
  'asdfghjkl1',
  'password1',
  'password12',
  'password123',
  'password1234',
  'passw0rd123',
  'p@ssw0rd123',
  'iloveyou123',
  'welcome123',
  'welcome1234',
  'letmein123',
  'changeme123',
  'admin12345',
  'administrator',
  'mshahara123',
  'mshahara2026',
  'mpesa12345',
  'safaricom123',
  'safaricom1',
  'payroll123',
  'payroll2026',
  'salary12345',
  'kenya12345',
  'nairobi123',
  'nairobi2026',
  'football123',
  'sunshine123',
]);

/** Why a new password is refused, in words a person can act on; null when it is acceptable. */
export function passwordProblem(password: string, username: string): string | null {
  const length = [...password].length;
  if (length < passwordRules.minLength)
    return `The password must be at least ${passwordRules.minLength} characters; a short sentence is easy to remember.`;
  if (length > passwordRules.maxLength) return `The password must be at most ${passwordRules.maxLength} characters.`;
  const folded = password.toLowerCase();
  const name = username.trim().toLowerCase();
  if (name.length > 0 && folded.includes(name)) return 'The password must not contain the username.';
  if (commonPasswords.has(folded)) return 'That password is one of the first a guesser tries: choose another.';
  if (new Set(folded).size < 4) return 'The password must use at least 4 different characters.';
  return null;
}

/** Throws a ValidationError naming the field when the new password breaks a rule. */
export function checkNewPassword(password: string, username: string, field: string = 'password'): void {
  const problem = passwordProblem(password, username);
  if (problem !== null) throw new ValidationError(problem, { field: [field] });
}
