// The access table itself: every contract method declares who may call it, and the declarations
// keep the roles apart the way Safaricom's portal does — the admin moves no money, only the admin
// sets Mshahara up, the auditor reads everything and changes nothing, and no role both prepares
// and approves a payment.
import { describe, expect, it } from 'vitest';
import { methodNames, type MethodName } from '../../src/shared/contract';
import { accessAllows, methodAccess, type Access } from '../../src/shared/contract/access';
import { methodNameList } from '../../src/shared/contract/names';
import { roles, type Role } from '../../src/shared/roles';

function mayCall(role: Role, method: MethodName): boolean {
  return accessAllows(methodAccess[method].access, [role]);
}

function callersOf(method: MethodName): Role[] {
  return roles.filter((role) => mayCall(role, method));
}

/**
 * Everything that makes, approves, sends, stops, retries or settles a payment, or changes where
 * one goes, read from the handlers and the payout engine, not from the access table.
 */
const touchesMoney: MethodName[] = [
  'runs.createFromWorkers',
  'runs.createFromFile',
  'runs.approve',
  'runs.start',
  'runs.pause',
  'runs.resume',
  'runs.cancel',
  'runs.retryFailed',
  'runs.approveRetry',
  'runs.editLine',
  'runs.removeLine',
  'runs.addWorkers',
  'runs.discard',
  'runs.requestRetry',
  'runs.resolve',
  'runs.clearFinding',
  'refunds.approve',
  'refunds.decline',
  'inbox.settle',
  'reconcile.decide',
  'workers.add',
  'workers.edit',
  'workers.restore',
  'workers.importCommit',
  'workers.approvePhoneChange',
  'workers.rejectPhoneChange',
  'reversals.approve',
  'reversals.decline',
  'reversals.resolve',
];

/** What sets Mshahara up: profiles, credentials, the certificate, the relay, the settings. */
const setsUp: MethodName[] = [
  'profiles.create',
  'profiles.select',
  'profiles.updateCredentials',
  'setup.testConnection',
  'certificate.load',
  'relay.connect',
  'settings.update',
];

describe('every contract method declares who may call it', () => {
  it('has an entry for each method the contract and the preload know, and no other', () => {
    expect(Object.keys(methodAccess).sort()).toEqual([...methodNames].sort());
    expect(Object.keys(methodAccess).sort()).toEqual([...methodNameList].sort());
  });

  it('declares anyone, anyone signed in, or a list of known roles without repeats', () => {
    for (const method of methodNames) {
      const { access, doing } = methodAccess[method];
      expect(doing.trim(), method).not.toBe('');
      if (access === 'anyone' || access === 'signed-in') continue;
      expect(access.length, method).toBeGreaterThan(0);
      expect(new Set(access).size, method).toBe(access.length);
      for (const role of access) expect(roles, method).toContain(role);
    }
  });

  it('lets only what the screens need before signing in be called by anyone', () => {
    const open = methodNames.filter((method) => methodAccess[method].access === 'anyone');
    expect(open).toEqual([
      'session.current',
      'session.signIn',
      'session.signOut',
      'session.lock',
      'session.createFirstAdmin',
      'session.changePassword',
      'app.info',
    ]);
    for (const method of methodNames.filter((m) => !open.includes(m)))
      expect(accessAllows(methodAccess[method].access, null), method).toBe(false);
  });
});

describe('the roles stay apart', () => {
  it('lets nobody but the admin set Mshahara up', () => {
    for (const method of setsUp) expect(callersOf(method), method).toEqual(['admin']);
  });

  it('lets the admin call nothing that touches money', () => {
    for (const method of touchesMoney) expect(mayCall('admin', method), method).toBe(false);
    const declaredMoney = methodNames.filter((method) => methodAccess[method].kind === 'money');
    expect(declaredMoney.length).toBeGreaterThan(0);
    for (const method of declaredMoney) expect(touchesMoney, method).toContain(method);
  });

  it('lets the auditor call every method that only reads, and their own account, and nothing else', () => {
    // Signing in and out on one's own door is everyone's, the auditor's too.
    for (const method of methodNames.filter((m) => !m.startsWith('session.'))) {
      const { kind } = methodAccess[method];
      expect(mayCall('auditor', method), method).toBe(kind === 'reads' || kind === 'own');
    }
  });

  it('keeps a person’s own account their own: open to every signed-in person, and touching no money', () => {
    const ownMethods = methodNames.filter((method) => methodAccess[method].kind === 'own');
    expect(ownMethods).toEqual(
      expect.arrayContaining(['account.changePassword', 'account.enrolSecondFactor', 'account.removeSecondFactor']),
    );
    for (const method of ownMethods) {
      expect(methodAccess[method].access, method).toBe('signed-in');
      expect(touchesMoney, method).not.toContain(method);
    }
  });

  it('lets only the admin manage people and policies', () => {
    const adminOnly: MethodName[] = [
      'users.add',
      'users.setRoles',
      'users.disable',
      'users.enable',
      'users.resetPassword',
      'users.savePolicy',
    ];
    for (const method of adminOnly) expect(callersOf(method), method).toEqual(['admin']);
  });

  it('lets the accountant change no payment and the approver prepare none', () => {
    for (const method of methodNames.filter((m) => methodAccess[m].kind === 'money')) {
      expect(mayCall('accountant', method), method).toBe(false);
    }
    for (const method of ['runs.createFromWorkers', 'runs.createFromFile', 'runs.start', 'runs.resolve'] as const)
      expect(mayCall('approver', method), method).toBe(false);
  });

  it('keeps who prepares and sends payments apart from who approves them', () => {
    const approvers = new Set([...callersOf('runs.approve'), ...callersOf('runs.approveRetry')]);
    expect([...approvers]).toEqual(['approver']);
    for (const method of ['runs.createFromWorkers', 'runs.createFromFile', 'runs.start', 'workers.edit'] as const)
      for (const role of callersOf(method)) expect(approvers.has(role), `${role} on ${method}`).toBe(false);
  });

  it('gives each role the work the portal gives it', () => {
    const allowed: Record<Role, MethodName[]> = {
      admin: ['relay.connect', 'settings.update', 'profiles.updateCredentials', 'dashboard.summary'],
      'payroll-officer': ['workers.edit', 'runs.createFromFile', 'runs.start', 'runs.pause', 'runs.resolve'],
      approver: ['runs.approve', 'runs.approveRetry', 'runs.review', 'runs.results', 'ledger.list'],
      accountant: ['ledger.export', 'statements.import', 'reconcile.finish', 'runs.results', 'reports.failedPayments'],
      auditor: ['ledger.export', 'reconcile.export', 'runs.export', 'settings.get', 'relay.get'],
    };
    for (const role of roles)
      for (const method of allowed[role]) expect(mayCall(role, method), `${role} on ${method}`).toBe(true);
  });

  it('lets a person holding several roles do what any of them allows, and one holding none nothing signed-in', () => {
    const both: Role[] = ['payroll-officer', 'accountant'];
    const access = (method: MethodName): Access => methodAccess[method].access;
    expect(accessAllows(access('runs.start'), both)).toBe(true);
    expect(accessAllows(access('reconcile.finish'), both)).toBe(true);
    expect(accessAllows(access('runs.approve'), both)).toBe(false);
    expect(accessAllows(access('dashboard.summary'), [])).toBe(false);
    expect(accessAllows(access('app.info'), [])).toBe(true);
  });
});
