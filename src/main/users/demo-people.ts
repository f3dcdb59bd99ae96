// The demo's sample people: a payroll officer, an approver and an accountant, so one person trying
// Mshahara on the simulator can play each part of a payroll. They are added when the demo's first
// admin is created and sign in with the password that person just chose: no password of their own
// exists anywhere, not even in the code, and the sign-in screen says so. Real profiles never get them.
import type { Role } from '../../shared/roles';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { accountRowByName, requireAccountRow, rolesOf } from './account-rows';
import { insertAccount } from './accounts';

export interface DemoPerson {
  username: string;
  displayName: string;
  roles: Role[];
}

export const demoPeople: readonly DemoPerson[] = [
  { username: 'amina', displayName: 'Amina Odhiambo', roles: ['payroll-officer'] },
  { username: 'baraka', displayName: 'Baraka Mwangi', roles: ['approver'] },
  { username: 'chebet', displayName: 'Chebet Kiprop', roles: ['accountant'] },
];

export const demoSignInWords =
  'Sample people sign in with the password you chose for the first admin. Try preparing a run as amina, approving it as baraka, then sending it as amina.';

/** Adds the sample people the demo's first admin does not already use as a name; returns those added. */
export function addDemoPeople(db: ProfileDatabase, firstAdmin: string, now = new Date()): DemoPerson[] {
  return db
    .transaction(() => {
      const admin = requireAccountRow(db, firstAdmin);
      const added = demoPeople.filter((person) => accountRowByName(db, person.username) === undefined);
      for (const person of added)
        insertAccount(
          db,
          {
            username: person.username,
            displayName: person.displayName,
            hash: admin.password_hash,
            mustChange: false,
            createdBy: admin.id,
          },
          person.roles,
          now,
        );
      appendAudit(db, {
        actor: admin.username,
        action: 'account.demo_people_added',
        entity: 'account',
        entityId: admin.id,
        details: { people: added.map((p) => ({ username: p.username, roles: p.roles })) },
      });
      return added;
    })
    .immediate();
}

/** The demo's sample people as they are now in the profile (an admin may have changed them). */
export function demoPeopleNow(db: ProfileDatabase): DemoPerson[] {
  return demoPeople.flatMap((person) => {
    const row = accountRowByName(db, person.username);
    if (row === undefined || row.disabled_at !== null) return [];
    return [{ username: row.username, displayName: row.display_name, roles: rolesOf(db, row.id) }];
  });
}
