// First passwords Mshahara makes for an admin to hand over (a new account, a reset): random from
// node:crypto, easy to read out and type (no 0/o, 1/l/i), and good only until the person signs in
// and chooses their own.
import { randomInt } from 'node:crypto';
import { passwordProblem } from './passwords';

const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
const groups = 3;
const groupLength = 4;

function randomGroup(): string {
  let group = '';
  for (let i = 0; i < groupLength; i++) group += alphabet[randomInt(alphabet.length)];
  return group;
}

/** "k7mq-x4tp-9fzr": about 59 bits, and always one the password rules accept for `username`. */
export function makeFirstPassword(username: string): string {
  for (;;) {
    const candidate = Array.from({ length: groups }, randomGroup).join('-');
    if (passwordProblem(candidate, username) === null) return candidate;
  }
}
