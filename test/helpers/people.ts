// The people of a test profile: one account per role (and a second approver), each with a real
// scrypt hash of `testPassword`, hashed once per test file and inserted directly so a test that
// needs a maker and an approver does not pay for six hashes. The accounts are real rows: sign-in,
// approvals and the access checks read them exactly as they read accounts an admin added.
import type { Caller } from '../../src/shared/contract/access';
import type { Role } from '../../src/shared/roles';
import type { ProfileDatabase } from '../../src/main/db';
import { accountRowByName } from '../../src/main/users/account-rows';
import { hashPassword } from '../../src/main/users/passwords';
import { recordRunMaker, runSnapshot } from '../../src/main/payroll/approvals';
import { findDuplicatePayments } from '../../src/main/payroll/duplicates';
import { approveRun, type ApprovalOutcome } from '../../src/main/payroll/run-approval';
import { getRun } from '../../src/main/payroll/runs';

export const testPassword = 'correct horse battery staple';

export interface TestPerson extends Caller {
  /** For domain functions that take a RunActor or RunApprover. */
  name: string;
}

export interface TestPeople {
  admin: TestPerson;
  officer: TestPerson;
  approver: TestPerson;
  secondApprover: TestPerson;
  accountant: TestPerson;
  auditor: TestPerson;
}

const cast: Record<keyof TestPeople, { username: string; displayName: string; roles: Role[] }> = {
  admin: { username: 'wanjiru', displayName: 'Wanjiru Kamau', roles: ['admin'] },
  officer: { username: 'amina', displayName: 'Amina Odhiambo', roles: ['payroll-officer'] },
  approver: { username: 'baraka', displayName: 'Baraka Mwangi', roles: ['approver'] },
  secondApprover: { username: 'neema', displayName: 'Neema Wafula', roles: ['approver'] },
  accountant: { username: 'chebet', displayName: 'Chebet Kiprop', roles: ['accountant'] },
  auditor: { username: 'daudi', displayName: 'Daudi Otieno', roles: ['auditor'] },
};

let hashed: Promise<string> | undefined;

/** Adds the test people to `db` once (a second call returns the same accounts). */
export async function seedPeople(db: ProfileDatabase): Promise<TestPeople> {
  const hash = await (hashed ??= hashPassword(testPassword));
  const people = {} as TestPeople;
  db.transaction(() => {
    for (const [key, person] of Object.entries(cast) as Array<[keyof TestPeople, (typeof cast)[keyof TestPeople]]>) {
      let row = accountRowByName(db, person.username);
      if (row === undefined) {
        const id = Number(
          db
            .prepare(
              `INSERT INTO accounts (username, display_name, password_hash, password_set_at, must_change_password)
               VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 0)`,
            )
            .run(person.username, person.displayName, hash).lastInsertRowid,
        );
        const grant = db.prepare('INSERT INTO account_roles (account_id, role) VALUES (?, ?)');
        for (const role of person.roles) grant.run(id, role);
        row = accountRowByName(db, person.username)!;
      }
      people[key] = {
        accountId: row.id,
        username: row.username,
        displayName: row.display_name,
        roles: person.roles,
        name: row.username,
      };
    }
  })();
  return people;
}

/**
 * Approves a draft the way the profile's policy asks: the officer on record as its maker (recorded
 * now when the test made the run without one), then the approver, then a second approver when
 * the policy needs three people for this run; each acknowledges every duplicate warning shown.
 */
export async function approveAsPolicyNeeds(db: ProfileDatabase, runId: number): Promise<ApprovalOutcome> {
  const people = await seedPeople(db);
  const makerRow = db.prepare('SELECT maker_account_id FROM payroll_runs WHERE id = ?').get(runId) as
    { maker_account_id: number | null } | undefined;
  if (makerRow?.maker_account_id === null) recordRunMaker(db, runId, people.officer.accountId);
  // Each approver reads and ticks every possible double payment the run shows.
  const ticked = () => findDuplicatePayments(db, runId).map((w) => w.key);
  let outcome = approveRun(db, runId, people.approver, ticked());
  if (!outcome.approvals.canSend && getRun(db, runId).state === 'draft')
    outcome = approveRun(db, runId, people.secondApprover, ticked());
  return outcome;
}

/**
 * For a run a test inserts straight as `approved` (the engine's tests): records a maker and one
 * approver's approval of the run as it is, what approveRun would have left behind under the
 * default policy, so the engine's approval check lets it be sent. Synchronous, with accounts whose
 * password hash is a placeholder nobody can sign in with (sign-in is not what these tests test).
 */
export function recordSignOff(db: ProfileDatabase, runId: number, approvedAt = new Date()): void {
  const account = (username: string, displayName: string, role: Role): number => {
    const existing = accountRowByName(db, username);
    if (existing !== undefined) return existing.id;
    const id = Number(
      db
        .prepare(
          `INSERT INTO accounts (username, display_name, password_hash, password_set_at, must_change_password)
           VALUES (?, ?, 'scrypt$placeholder-no-password', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 0)`,
        )
        .run(username, displayName).lastInsertRowid,
    );
    db.prepare('INSERT INTO account_roles (account_id, role) VALUES (?, ?)').run(id, role);
    return id;
  };
  db.transaction(() => {
    const maker = account('test-maker', 'Test Maker', 'payroll-officer');
    const approver = account('test-approver', 'Test Approver', 'approver');
    recordRunMaker(db, runId, maker);
    const seen = runSnapshot(db, runId);
    db.prepare(
      `INSERT INTO run_approvals (run_id, approver_account_id, approved_at, total_cents, item_count, items_sha256)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(runId, approver, approvedAt.toISOString(), seen.totalCents, seen.itemCount, seen.itemsSha256);
  })();
}
