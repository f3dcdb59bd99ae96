// What a refused field looks like when it reaches a person: each issue carries where it is and a
// plain message for the form to show beside the field, and the whole error reads as a sentence.
import { describe, expect, it } from 'vitest';
import { methodNames } from '../../../src/shared/contract';
import { callContract, type ContractHandlers } from '../../../src/main/transports/dispatch';
import { ValidationError } from '../../../src/shared/errors';
import type { Caller } from '../../../src/shared/contract/access';
import { roles } from '../../../src/shared/roles';
/** Someone holding every role: these tests are about what follows the access check. */
const everyone: Caller = {
  accountId: 1,
  username: 'everyone',
  displayName: 'Holds every role',
  roles: [...roles],
};
const callAsEveryone = (handlers: ContractHandlers, method: unknown, input: unknown) =>
  callContract(handlers, method, input, everyone);

function recordingHandlers(): { handlers: ContractHandlers; ran: string[] } {
  const ran: string[] = [];
  const handlers = Object.fromEntries(
    methodNames.map((name) => [name, () => void ran.push(name)]),
  ) as unknown as ContractHandlers;
  return { handlers, ran };
}

const zodNotation = /✖|→|Invalid input|expected \w+, received|Too small|Too big/;

describe('refused fields', () => {
  it('answer a bad worker amount as an issue on that field, in plain words, before any handler runs', async () => {
    const { handlers, ran } = recordingHandlers();
    const result = await callAsEveryone(handlers, 'workers.edit', { id: 4, changes: { defaultAmountCents: -500 } });
    expect(ran).toEqual([]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('validation');
    expect(result.error.issues).toEqual([
      { path: ['changes', 'defaultAmountCents'], message: 'The amount must be more than zero' },
    ]);
    expect(result.error.message).toBe('Default amount: The amount must be more than zero.');
    expect(result.error.message).not.toMatch(zodNotation);
  });

  it('word the checks a schema gives no message for, one issue per field', async () => {
    const { handlers } = recordingHandlers();
    const result = await callAsEveryone(handlers, 'workers.edit', {
      id: 4,
      changes: { name: '', defaultAmountCents: 1250.5, department: 'x'.repeat(101) },
    });
    if (result.ok) throw new Error('a bad edit was accepted');
    const byField = Object.fromEntries(
      (result.error.issues ?? []).map((issue) => [issue.path.join('.'), issue.message]),
    );
    expect(byField).toEqual({
      'changes.name': 'The name is required',
      'changes.defaultAmountCents': 'Amounts are whole cents',
      'changes.department': 'Write at most 100 characters',
    });
    expect(result.error.message).toMatch(/^3 things need changing: /);
    for (const message of [result.error.message, ...Object.values(byField)]) expect(message).not.toMatch(zodNotation);
  });

  it('say a missing field is required and a field of the wrong kind what it must be', async () => {
    const { handlers } = recordingHandlers();
    const result = await callAsEveryone(handlers, 'runs.export', { runId: 'seven', format: 'pdf' });
    if (result.ok) throw new Error('a bad export was accepted');
    expect(result.error.issues).toEqual([
      { path: ['runId'], message: 'This must be a number' },
      { path: ['format'], message: 'Choose one of: csv, xlsx' },
    ]);
    const missing = await callAsEveryone(handlers, 'runs.export', { format: 'csv' });
    if (missing.ok) throw new Error('an export without a run was accepted');
    expect(missing.error.issues).toEqual([{ path: ['runId'], message: 'This is required' }]);
    expect(missing.error.message).toBe('Run: This is required.');
  });

  it('carry no issues for an error a handler raised, only its own words', async () => {
    const { handlers } = recordingHandlers();
    const refusing = {
      ...handlers,
      'runs.approve': () => {
        throw new ValidationError('This run pays more than your run limit');
      },
    } as ContractHandlers;
    const result = await callAsEveryone(refusing, 'runs.approve', { runId: 1 });
    expect(result).toEqual({
      ok: false,
      error: { kind: 'validation', message: 'This run pays more than your run limit' },
    });
  });
});
