// The contract as main enforces it: every method refuses invalid input with a readable message
// before any handler runs, unknown methods are refused, and the handlers cover the whole contract.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contractEvents, contractMethods, eventNames, isMethodName, methodNames } from '../../../src/shared/contract';
import { createHandlers, EventHub, ProfileSession, type ApiContext } from '../../../src/main/handlers';
import { callContract, type ContractHandlers } from '../../../src/main/transports/dispatch';
import { MemorySecretStore } from '../../../src/main/secrets/memory-store';
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

/** Handlers that only record that they ran: a refused input must never reach one. */
function recordingHandlers(): { handlers: ContractHandlers; ran: string[] } {
  const ran: string[] = [];
  const handlers = Object.fromEntries(
    methodNames.map((name) => [name, () => void ran.push(name)]),
  ) as unknown as ContractHandlers;
  return { handlers, ran };
}

function contextWithoutProfile(): ApiContext {
  return {
    identity: { version: '0.0.0', mode: 'browser' },
    dataRoot: '/nonexistent/mshahara',
    secrets: new MemorySecretStore(),
    session: new ProfileSession({
      dataRoot: '/nonexistent/mshahara',
      openProfile: () => Promise.reject(new Error('no profile here')),
    }),
    events: new EventHub(),
    delivery: 'bytes',
    actor: 'test',
    caller: () => null,
  };
}

describe('contract inputs', () => {
  it.each(methodNames)('%s refuses a field it does not know, naming it, before any handler runs', async (method) => {
    const { handlers, ran } = recordingHandlers();
    const result = await callAsEveryone(handlers, method, { payEveryoneTwice: true });
    expect(result).toMatchObject({ ok: false, error: { kind: 'validation' } });
    if (result.ok) return;
    // Readable: says what is wrong in words and names the field (for a choice of forms, the issue
    // sits on the field that chooses), no stack, object dump or zod notation.
    const namesField = /does not know the field "payEveryoneTwice"/.test(result.error.message);
    const onChooser = (result.error.issues ?? []).some((issue) => /^(kind|how|outcome)$/.test(String(issue.path[0])));
    expect(namesField || onChooser).toBe(true);
    expect(result.error.message).not.toMatch(/\[object |at .*\.ts:\d+|✖|→/);
    expect(ran).toEqual([]);
  });

  it.each(methodNames)('%s refuses input that is not an object', async (method) => {
    const { handlers, ran } = recordingHandlers();
    const result = await callAsEveryone(handlers, method, 'DROP TABLE transactions');
    expect(result).toMatchObject({ ok: false, error: { kind: 'validation' } });
    if (!result.ok) expect(result.error.message).toMatch(/expected a set of values/i);
    expect(ran).toEqual([]);
  });

  it('explains a wrong value in the officer’s terms', async () => {
    const { handlers } = recordingHandlers();
    const amount = await callAsEveryone(handlers, 'workers.add', {
      name: 'Achieng',
      phone: '0712345678',
      defaultAmountCents: -500,
    });
    expect(amount).toMatchObject({
      ok: false,
      error: { kind: 'validation', message: expect.stringContaining('The amount must be more than zero') },
    });
    const dates = await callAsEveryone(handlers, 'ledger.list', { filter: { from: '2026-11-30', to: '2026-11-01' } });
    expect(dates).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('The start date must be on or before the end date') },
    });
    const file = await callAsEveryone(handlers, 'runs.previewFile', {
      fileName: 'pay.csv',
      contentBase64: 'not base64!',
    });
    expect(file).toMatchObject({ ok: false, error: { message: expect.stringContaining('base64') } });
  });

  it('refuses an unknown method in main, whatever its name', async () => {
    const { handlers, ran } = recordingHandlers();
    for (const name of ['payroll.payEveryone', 'constructor', '__proto__', 'toString', '', 42, null]) {
      const result = await callAsEveryone(handlers, name, {});
      expect(result).toMatchObject({
        ok: false,
        error: { kind: 'validation', message: expect.stringMatching(/^Mshahara has no method called /) },
      });
      expect(isMethodName(name)).toBe(false);
    }
    expect(ran).toEqual([]);
  });
});

describe('contract handlers', () => {
  it('cover exactly the methods of the contract', () => {
    const handlers = createHandlers(contextWithoutProfile());
    expect(Object.keys(handlers).sort()).toEqual([...methodNames].sort());
    for (const name of methodNames) expect(typeof handlers[name]).toBe('function');
  });

  it('answer profile work before First start with a plain "unavailable" error', async () => {
    const handlers = createHandlers(contextWithoutProfile());
    const result = await callAsEveryone(handlers, 'workers.list', {});
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'unavailable', message: expect.stringContaining('First start') },
    });
  });

  it('keep what a handler did not mean to send at home (outputs are parsed too)', async () => {
    const { handlers } = recordingHandlers();
    const leaky = {
      ...handlers,
      'app.info': () => ({
        version: '1',
        mode: 'browser',
        profile: null,
        dataFolder: '/d',
        demoSimulatorUrl: null,
        consumerSecret: 'hunter2',
      }),
    } as unknown as ContractHandlers;
    const result = await callAsEveryone(leaky, 'app.info', {});
    expect(result).toEqual({
      ok: true,
      value: { version: '1', mode: 'browser', profile: null, dataFolder: '/d', demoSimulatorUrl: null },
    });
  });
});

describe('contract shape', () => {
  it('gives every method a zod input and output schema, and every event a schema', () => {
    for (const name of methodNames) {
      expect(contractMethods[name].input).toBeInstanceOf(z.ZodType);
      expect(contractMethods[name].output).toBeInstanceOf(z.ZodType);
    }
    for (const name of eventNames) expect(contractEvents[name]).toBeInstanceOf(z.ZodType);
    expect(eventNames).toEqual(
      expect.arrayContaining(['run.progress', 'run.ended', 'inbox.changed', 'balance.changed', 'ledger.changed']),
    );
  });

  it('carries money as integer cents only', async () => {
    const { handlers } = recordingHandlers();
    const result = await callAsEveryone(handlers, 'workers.add', {
      name: 'Achieng',
      phone: '0712345678',
      defaultAmountCents: 1500.5,
    });
    expect(result).toMatchObject({ ok: false, error: { kind: 'validation' } });
  });
});
