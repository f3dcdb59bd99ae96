// The one check of who may call what, over the whole contract: every method, for every role, for
// a person holding several roles or none, and for nobody signed in, is allowed or refused exactly
// as docs/roles.md declares; and through callContract a refusal names the role needed and who is
// asking, and the handler never runs.
import { describe, expect, it } from 'vitest';
import { contractError, methodNames, type MethodName } from '../../../src/shared/contract';
import { methodAccess, type Caller } from '../../../src/shared/contract/access';
import { ForbiddenError, NotFoundError } from '../../../src/shared/errors';
import { roles, roleWords, type Role } from '../../../src/shared/roles';
import { accessRefusal, checkAccess } from '../../../src/main/transports/access';
import { callContract, type ContractHandlers } from '../../../src/main/transports/dispatch';

const people: Record<Role, Caller> = {
  admin: { accountId: 1, username: 'wanjiru', displayName: 'Wanjiru Kamau', roles: ['admin'] },
  'payroll-officer': { accountId: 2, username: 'amina', displayName: 'Amina Odhiambo', roles: ['payroll-officer'] },
  approver: { accountId: 3, username: 'baraka', displayName: 'Baraka Mwangi', roles: ['approver'] },
  accountant: { accountId: 4, username: 'chebet', displayName: 'Chebet Kiprop', roles: ['accountant'] },
  auditor: { accountId: 5, username: 'daudi', displayName: 'Daudi Otieno', roles: ['auditor'] },
};
const officerAndAccountant: Caller = {
  accountId: 6,
  username: 'esther',
  displayName: 'Esther Njeri',
  roles: ['payroll-officer', 'accountant'],
};
const holdsNoRole: Caller = { accountId: 6, username: 'faraji', displayName: '', roles: [] };

/** The declaration read plainly: who the table says may call `method`. */
function declaredToAllow(method: MethodName, caller: Caller | null): boolean {
  const { access } = methodAccess[method];
  if (access === 'anyone') return true;
  if (caller === null) return false;
  if (access === 'signed-in') return caller.roles.length > 0;
  return caller.roles.some((role) => access.includes(role));
}

function refusalOf(method: MethodName, caller: Caller | null): ForbiddenError | undefined {
  try {
    checkAccess(method, caller);
    return undefined;
  } catch (error) {
    if (error instanceof ForbiddenError) return error;
    throw error;
  }
}

function neededNames(method: MethodName): string[] {
  const { access } = methodAccess[method];
  return access === 'anyone' || access === 'signed-in' ? [] : access.map((role) => roleWords[role].name);
}

describe('checkAccess over the whole contract', () => {
  const callers: Array<[string, Caller | null]> = [
    ...roles.map((role): [string, Caller] => [role, people[role]]),
    ['payroll officer and accountant', officerAndAccountant],
    ['a person holding no role', holdsNoRole],
    ['nobody signed in', null],
  ];

  it('allows or refuses every method for every caller exactly as declared', () => {
    let allowed = 0;
    let refused = 0;
    for (const method of methodNames) {
      for (const [who, caller] of callers) {
        const refusal = refusalOf(method, caller);
        expect(refusal === undefined, `${who} calling ${method}`).toBe(declaredToAllow(method, caller));
        expect(accessRefusal(method, caller)?.message, `${who} calling ${method}`).toBe(refusal?.message);
        if (refusal === undefined) allowed += 1;
        else refused += 1;
      }
    }
    // Both answers occur, so the loop above cannot pass by allowing or refusing everything.
    expect(allowed).toBeGreaterThan(methodNames.length);
    expect(refused).toBeGreaterThan(methodNames.length);
  });

  it('names in each refusal what was asked, the role needed and who is asking', () => {
    for (const method of methodNames) {
      for (const role of roles) {
        const refusal = refusalOf(method, people[role]);
        if (refusal === undefined) continue;
        expect(refusal.kind).toBe('forbidden');
        expect(refusal.code).toBe('role_needed');
        expect(refusal.message.startsWith(`${methodAccess[method].doing} needs `), method).toBe(true);
        for (const name of neededNames(method)) expect(refusal.message, method).toContain(name);
        expect(refusal.message).toContain(`${people[role].displayName} is signed in as ${roleWords[role].name}.`);
      }
    }
  });

  it('words a refusal the way a person says it', () => {
    expect(refusalOf('runs.approve', people['payroll-officer'])?.message).toBe(
      'Approving a payroll run needs the Approver role. Amina Odhiambo is signed in as Payroll officer.',
    );
    expect(refusalOf('runs.start', people.admin)?.message).toBe(
      'Sending a payroll run needs the Payroll officer role. Wanjiru Kamau is signed in as Admin.',
    );
    expect(refusalOf('runs.list', people.admin)?.message).toBe(
      'Listing payroll runs needs the Payroll officer, Approver, Accountant or Auditor role. ' +
        'Wanjiru Kamau is signed in as Admin.',
    );
    expect(refusalOf('runs.approveRetry', officerAndAccountant)?.message).toBe(
      'Approving a retry of failed payments needs the Approver role. ' +
        'Esther Njeri is signed in as Payroll officer and Accountant.',
    );
    expect(refusalOf('dashboard.summary', holdsNoRole)?.message).toBe(
      'Seeing the dashboard needs someone signed in. faraji is signed in but holds no role; an admin gives roles.',
    );
    const signedOut = refusalOf('runs.list', null);
    expect(signedOut?.code).toBe('sign_in_needed');
    expect(signedOut?.message).toBe(
      'Listing payroll runs needs the Payroll officer, Approver, Accountant or Auditor role. ' +
        'Nobody is signed in: sign in first.',
    );
  });
});

/** Handlers that only note that they ran, then answer not-found so nothing else is needed. */
function recordingHandlers(): { handlers: ContractHandlers; ran: MethodName[] } {
  const ran: MethodName[] = [];
  const handlers = Object.fromEntries(
    methodNames.map((name) => [
      name,
      () => {
        ran.push(name);
        throw new NotFoundError('reached the handler');
      },
    ]),
  ) as unknown as ContractHandlers;
  return { handlers, ran };
}

/** A few methods of each kind, with input their schemas accept. */
const samples: Array<{ kind: string; method: MethodName; input: unknown }> = [
  { kind: 'read', method: 'runs.review', input: { runId: 7 } },
  { kind: 'read', method: 'ledger.export', input: { format: 'csv' } },
  { kind: 'read', method: 'reconcile.show', input: { account: '600000', period: '2026-11' } },
  { kind: 'money', method: 'runs.approve', input: { runId: 7 } },
  { kind: 'money', method: 'runs.start', input: { runId: 7 } },
  { kind: 'money', method: 'runs.approveRetry', input: { runId: 7 } },
  { kind: 'money', method: 'runs.resolve', input: { itemId: 3, outcome: 'failed', reason: 'Phone is off' } },
  { kind: 'admin', method: 'settings.update', input: { concurrency: 4 } },
  {
    kind: 'admin',
    method: 'relay.connect',
    input: { how: 'registration', url: 'https://relay.example.co.ke', registrationJson: '{"channel":"acme"}' },
  },
  { kind: 'admin', method: 'profiles.updateCredentials', input: { name: 'acme', consumerKey: 'new-key' } },
];

describe('callContract with a caller', () => {
  for (const { kind, method, input } of samples) {
    it(`lets only the declared roles reach the ${kind} method ${method}`, async () => {
      let reached = 0;
      for (const role of roles) {
        const { handlers, ran } = recordingHandlers();
        const result = await callContract(handlers, method, input, people[role]);
        if (result.ok) throw new Error(`${method} answered without its handler`);
        if (declaredToAllow(method, people[role])) {
          expect(ran, `${role} calling ${method}`).toEqual([method]);
          expect(result.error.kind).toBe('not_found');
          reached += 1;
          continue;
        }
        expect(ran, `${role} calling ${method}`).toEqual([]);
        expect(result.error.kind).toBe('forbidden');
        expect(result.error.code).toBe('role_needed');
        for (const name of neededNames(method)) expect(result.error.message).toContain(name);
        expect(result.error.message).toContain(`${people[role].displayName} is signed in as ${roleWords[role].name}`);
      }
      expect(reached).toBeGreaterThan(0);
      expect(reached).toBeLessThan(roles.length);
    });
  }

  it('refuses nobody signed in everything but what the sign-in needs', async () => {
    for (const { method, input } of samples) {
      const { handlers, ran } = recordingHandlers();
      const result = await callContract(handlers, method, input, null);
      expect(ran).toEqual([]);
      expect(result).toMatchObject({ ok: false, error: { kind: 'forbidden', code: 'sign_in_needed' } });
      // The refusal is one of the contract's own error kinds, so every transport carries it as it is.
      if (!result.ok) expect(contractError.parse(result.error)).toEqual(result.error);
    }
    const { handlers, ran } = recordingHandlers();
    await callContract(handlers, 'app.info', {}, null);
    expect(ran).toEqual(['app.info']);
  });

  it('refuses before reading the input, so a refused caller learns nothing from it', async () => {
    const { handlers, ran } = recordingHandlers();
    const result = await callContract(handlers, 'settings.update', { concurrency: 'lots' }, people.approver);
    expect(ran).toEqual([]);
    expect(result).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
  });
});
