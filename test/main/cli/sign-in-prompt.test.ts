// Passwords asked on a terminal: never echoed, a chosen one asked twice and refused when the two
// differ, the environment variable taken first, and no terminal and no variable is a refusal.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/shared/errors';
import type { CliIo } from '../../../src/main/cli/output';
import { actingPassword, chosenPassword } from '../../../src/main/cli/sign-in';

function terminal(typed: string[], env: NodeJS.ProcessEnv = {}, isTTY = true): { io: CliIo; shown: () => string } {
  const input = Object.assign(new PassThrough(), { isTTY });
  const out = new PassThrough();
  const err = new PassThrough();
  let shown = '';
  for (const stream of [out, err]) stream.on('data', (chunk: Buffer) => (shown += chunk.toString('utf8')));
  // Typed one answer at a time, as a person does after each question appears.
  let next = 0;
  err.on('data', (chunk: Buffer) => {
    if (chunk.toString('utf8').endsWith(': ') && next < typed.length)
      setImmediate(() => input.write(`${typed[next++]}\n`));
  });
  return { io: { out, err, input, env }, shown: () => shown };
}

describe('passwords on the command line', () => {
  it('asks a new password twice without echoing it', async () => {
    const { io, shown } = terminal(['Secret-river-2026', 'Secret-river-2026']);
    await expect(chosenPassword(io, 'MSHAHARA_NEW_PASSWORD', 'njeri')).resolves.toBe('Secret-river-2026');
    expect(shown()).toContain('New password for njeri: ');
    expect(shown()).toContain('The same password again: ');
    expect(shown()).not.toContain('Secret-river');
  });

  it('refuses two different answers', async () => {
    const { io } = terminal(['Secret-river-2026', 'Secret-river-2027']);
    await expect(chosenPassword(io, 'MSHAHARA_NEW_PASSWORD', 'njeri')).rejects.toThrow('The two passwords differ');
  });

  it('takes the environment variable without asking', async () => {
    const { io, shown } = terminal([], { MSHAHARA_PASSWORD: 'From-the-env-123' });
    await expect(actingPassword(io, 'amina')).resolves.toBe('From-the-env-123');
    expect(shown()).toBe('');
  });

  it('refuses with no variable and no terminal, naming the variable', async () => {
    const { io } = terminal([], {}, false);
    const refusal = actingPassword(io, 'amina');
    await expect(refusal).rejects.toBeInstanceOf(ValidationError);
    await expect(refusal).rejects.toThrow('MSHAHARA_PASSWORD');
  });
});
