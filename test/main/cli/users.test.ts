// The accounts commands through the real CLI process: init --admin and --approvals, users add,
// list, disable, reset-password and password, each change signed in with --user and
// MSHAHARA_PASSWORD; refusals exit 1 with words a person reads, and no password is ever printed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../src/main/db';
import { approvalPolicy } from '../../../src/main/payroll/approval-policy';
import { profileDatabasePath } from '../../../src/main/profiles';
import { spawnCli } from './spawn-cli';

interface Outcome {
  code: number | null;
  out: string;
  err: string;
}

const adminPassword = 'Tea-at-four-on-Fridays';
const officerFirst = 'Handed-over-once-2026';
const officerOwn = 'Officer-chooses-this-7';
const resetTo = 'Reset-by-the-admin-99';
const passwords = [adminPassword, officerFirst, officerOwn, resetTo];

let dataDir: string;
let printed: string[];

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'mshahara-users-'));
  printed = [];
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  const cli = spawnCli(args, dataDir, {
    env: { MSHAHARA_PASSWORD: undefined, MSHAHARA_NEW_PASSWORD: undefined, ...env },
  });
  let out = '';
  cli.child.stdout?.setEncoding('utf8');
  cli.child.stdout?.on('data', (chunk: string) => (out += chunk));
  const code = await cli.exited;
  printed.push(out, cli.stderr());
  return { code, out, err: cli.stderr() };
}

interface ListedAccount {
  username: string;
  displayName: string;
  roles: string[];
  mustChangePassword: boolean;
  disabledAt: string | null;
  createdBy: string | null;
}

async function listed(): Promise<ListedAccount[]> {
  const list = await run(['users', 'list', '--json']);
  expect(list.code).toBe(0);
  return JSON.parse(list.out) as ListedAccount[];
}

async function initAdmin(): Promise<void> {
  const created = await run(['init', '--admin', 'amina', '--display-name', 'Amina Wanjiru'], {
    MSHAHARA_PASSWORD: adminPassword,
  });
  expect(created).toMatchObject({ code: 0 });
  expect(created.out).toContain('Created amina, the first admin of "demo".');
}

/**
 * The demo's sample people a first admin named amina brings (the sample officer's name is taken by
 * the admin, so that one is not added): made by amina, with amina's password, nothing to change.
 */
const demoPeopleBesideAmina = [
  expect.objectContaining({
    username: 'baraka',
    displayName: 'Baraka Mwangi',
    roles: ['approver'],
    mustChangePassword: false,
    disabledAt: null,
    createdBy: 'amina',
  }),
  expect.objectContaining({
    username: 'chebet',
    displayName: 'Chebet Kiprop',
    roles: ['accountant'],
    mustChangePassword: false,
    disabledAt: null,
    createdBy: 'amina',
  }),
];

async function addOfficer(): Promise<void> {
  const added = await run(['users', 'add', 'otieno', '--role', 'payroll-officer', '--user', 'amina'], {
    MSHAHARA_PASSWORD: adminPassword,
    MSHAHARA_NEW_PASSWORD: officerFirst,
  });
  expect(added.code).toBe(0);
}

function expectNoPasswordPrinted(): void {
  const everything = printed.join('\n');
  for (const password of passwords) expect(everything).not.toContain(password);
}

describe('users commands', () => {
  it('the first admin adds, lists, disables and resets accounts', async () => {
    await initAdmin();
    const added = await run(
      [
        'users',
        'add',
        'otieno',
        '--role',
        'payroll-officer',
        '--role',
        'approver',
        '--display-name',
        'Otieno Kamau',
        '--user',
        'amina',
      ],
      { MSHAHARA_PASSWORD: adminPassword, MSHAHARA_NEW_PASSWORD: officerFirst },
    );
    expect(added.code).toBe(0);
    expect(added.out).toContain('Added otieno (payroll-officer, approver)');

    expect(await listed()).toEqual([
      expect.objectContaining({ username: 'amina', displayName: 'Amina Wanjiru', roles: ['admin'], createdBy: null }),
      ...demoPeopleBesideAmina,
      expect.objectContaining({
        username: 'otieno',
        displayName: 'Otieno Kamau',
        roles: ['payroll-officer', 'approver'],
        mustChangePassword: true,
        disabledAt: null,
        createdBy: 'amina',
      }),
    ]);
    const table = await run(['users', 'list']);
    expect(table.out).toMatch(
      /otieno\s+Otieno Kamau\s+payroll-officer, approver\s+no\s+enabled, must choose a password/,
    );

    // The reset password is the one that works afterwards; the first one no longer does.
    const reset = await run(['users', 'reset-password', 'otieno', '--user', 'amina'], {
      MSHAHARA_PASSWORD: adminPassword,
      MSHAHARA_NEW_PASSWORD: resetTo,
    });
    expect(reset.code).toBe(0);
    const withOld = await run(['users', 'password', '--user', 'otieno'], {
      MSHAHARA_PASSWORD: officerFirst,
      MSHAHARA_NEW_PASSWORD: officerOwn,
    });
    expect(withOld.code).toBe(1);
    const withReset = await run(['users', 'password', '--user', 'otieno'], {
      MSHAHARA_PASSWORD: resetTo,
      MSHAHARA_NEW_PASSWORD: officerOwn,
    });
    expect(withReset).toMatchObject({ code: 0, out: 'Password changed for otieno.\n' });
    expect((await listed()).find((a) => a.username === 'otieno')?.mustChangePassword).toBe(false);

    const disabled = await run(['users', 'disable', 'otieno', '--user', 'amina'], { MSHAHARA_PASSWORD: adminPassword });
    expect(disabled.code).toBe(0);
    expect((await listed()).find((a) => a.username === 'otieno')?.disabledAt).not.toBeNull();
    // A disabled account can no longer act, even with its right password.
    const afterDisable = await run(['users', 'add', 'njeri', '--role', 'auditor', '--user', 'otieno'], {
      MSHAHARA_PASSWORD: officerOwn,
      MSHAHARA_NEW_PASSWORD: officerFirst,
    });
    expect(afterDisable.code).toBe(1);
    expect(afterDisable.err).toContain('This account is disabled');
    expect((await listed()).map((a) => a.username)).toEqual(['amina', 'baraka', 'chebet', 'otieno']);
    expectNoPasswordPrinted();
  }, 120_000);

  it('refuses a payroll officer adding an account, naming the admin role', async () => {
    await initAdmin();
    await addOfficer();
    // Their handed-over password must be replaced before they do anything.
    const first = await run(['users', 'add', 'njeri', '--role', 'auditor', '--user', 'otieno'], {
      MSHAHARA_PASSWORD: officerFirst,
      MSHAHARA_NEW_PASSWORD: resetTo,
    });
    expect(first.code).toBe(1);
    expect(first.err).toContain('must choose their own password');
    await run(['users', 'password', '--user', 'otieno'], {
      MSHAHARA_PASSWORD: officerFirst,
      MSHAHARA_NEW_PASSWORD: officerOwn,
    });

    const refused = await run(['users', 'add', 'njeri', '--role', 'admin', '--user', 'otieno'], {
      MSHAHARA_PASSWORD: officerOwn,
      MSHAHARA_NEW_PASSWORD: resetTo,
    });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('Only someone with the admin role can add accounts');
    expect(refused.out).toBe('');
    const policy = await run(['init', '--approvals', '1', '--user', 'otieno'], { MSHAHARA_PASSWORD: officerOwn });
    expect(policy.code).toBe(1);
    expect(policy.err).toContain('Changing the settings needs the Admin role.');
    expect((await listed()).map((a) => a.username)).toEqual(['amina', 'baraka', 'chebet', 'otieno']);
    expect(storedPolicy().people).toBe(2);
    expectNoPasswordPrinted();
  }, 120_000);

  it('says the same words for a wrong password and an unknown user', async () => {
    await initAdmin();
    await addOfficer();
    const wrong = await run(['users', 'disable', 'otieno', '--user', 'amina'], { MSHAHARA_PASSWORD: officerFirst });
    const unknown = await run(['users', 'disable', 'otieno', '--user', 'nobody'], { MSHAHARA_PASSWORD: adminPassword });
    expect(wrong.code).toBe(1);
    expect(unknown.code).toBe(1);
    expect(wrong.err).toContain('That username and password do not match an account here.');
    expect(unknown.err).toBe(wrong.err);
    expect((await listed()).find((a) => a.username === 'otieno')?.disabledAt).toBeNull();
    expectNoPasswordPrinted();
  }, 120_000);

  it('creates the first admin once, with a password that meets the rules', async () => {
    const short = await run(['init', '--admin', 'amina'], { MSHAHARA_PASSWORD: 'short' });
    expect(short.code).toBe(1);
    expect(short.err).toContain('at least 10 characters');
    const none = await run(['init', '--admin', 'amina']);
    expect(none.code).toBe(1);
    expect(none.err).toContain('MSHAHARA_PASSWORD');
    expect(await listed()).toEqual([]);

    await initAdmin();
    const second = await run(['init', '--admin', 'bob'], { MSHAHARA_PASSWORD: adminPassword });
    expect(second.code).toBe(1);
    expect(second.err).toContain('already has its first admin');
    expect((await listed()).map((a) => a.username)).toEqual(['amina', 'baraka', 'chebet']);
    expectNoPasswordPrinted();
  }, 120_000);

  it("adds the demo's sample people with the demo's first admin; they sign in with the admin's password", async () => {
    const created = await run(['init', '--admin', 'wanjiru'], { MSHAHARA_PASSWORD: adminPassword });
    expect(created.code).toBe(0);
    expect(created.out).toContain(
      "Added the demo's sample people: amina (payroll-officer), baraka (approver), chebet (accountant).",
    );
    // users list orders accounts by username.
    expect(await listed()).toEqual([
      expect.objectContaining({ username: 'amina', roles: ['payroll-officer'], createdBy: 'wanjiru' }),
      expect.objectContaining({ username: 'baraka', roles: ['approver'], createdBy: 'wanjiru' }),
      expect.objectContaining({ username: 'chebet', roles: ['accountant'], createdBy: 'wanjiru' }),
      expect.objectContaining({ username: 'wanjiru', roles: ['admin'], createdBy: null }),
    ]);
    // baraka signs in with the admin's password and is refused only for the role a policy change needs.
    const byApprover = await run(['init', '--approvals', '1', '--user', 'baraka'], {
      MSHAHARA_PASSWORD: adminPassword,
    });
    expect(byApprover.code).toBe(1);
    expect(byApprover.err).toContain(
      'Changing the settings needs the Admin role. Baraka Mwangi is signed in as Approver.',
    );
    const wrong = await run(['init', '--approvals', '1', '--user', 'baraka'], { MSHAHARA_PASSWORD: officerFirst });
    expect(wrong.err).toContain('That username and password do not match an account here.');
    expect(storedPolicy().people).toBe(2);
    expectNoPasswordPrinted();
  }, 120_000);

  it('lets the admin set the approval policy', async () => {
    await initAdmin();
    const three = await run(['init', '--approvals', '3', '--user', 'amina'], { MSHAHARA_PASSWORD: adminPassword });
    expect(three.code).toBe(0);
    expect(three.out).toContain('the maker and two approvers');
    expect(storedPolicy().people).toBe(3);
    const withoutUser = await run(['init', '--approvals', '1'], { MSHAHARA_PASSWORD: adminPassword });
    expect(withoutUser.code).toBe(2);
    const four = await run(['init', '--approvals', '4', '--user', 'amina'], { MSHAHARA_PASSWORD: adminPassword });
    expect(four.code).toBe(2);
    expect(storedPolicy().people).toBe(3);
    expectNoPasswordPrinted();
  }, 120_000);

  it('treats a wrong command line as usage (exit 2)', async () => {
    const noRole = await run(['users', 'add', 'njeri', '--user', 'amina'], { MSHAHARA_PASSWORD: adminPassword });
    expect(noRole.code).toBe(2);
    expect(noRole.err).toContain('--role');
    const noUser = await run(['users', 'disable', 'njeri']);
    expect(noUser.code).toBe(2);
    expect(noUser.err).toContain('--user');
    const help = await run(['users', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('MSHAHARA_NEW_PASSWORD');
  }, 120_000);
});

function storedPolicy(): ReturnType<typeof approvalPolicy> {
  const db = openDatabase(profileDatabasePath('demo', dataDir));
  try {
    return approvalPolicy(db);
  } finally {
    closeDatabase(db);
  }
}
