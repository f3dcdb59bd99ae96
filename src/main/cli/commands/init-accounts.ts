// `init --admin <name>` and `init --approvals 1|2|3`: a profile's first admin (there is no default
// admin and no default password) and how many people act on a payroll run (only an admin sets it).
// On a demo profile the first admin brings the demo's sample people, as First start does on the screens.
import { policyWords, saveApprovalPolicy, type PeopleNeeded } from '../../payroll/approval-policy';
import type { SecretStore } from '../../secrets/secret-store';
import { createFirstAdmin } from '../../users/accounts';
import { addDemoPeople, demoSignInWords } from '../../users/demo-people';
import { openProfileForCommand } from '../open-profile';
import { line, type CliIo } from '../output';
import { chosenPassword, passwordVariable, requireUserOption } from '../sign-in';
import { actingPerson } from '../acting';
import { UsageError } from '../usage';

export interface InitAccountOptions {
  admin?: string;
  'display-name'?: string;
  approvals?: string;
  user?: string;
}

function peopleOption(value: string, initHelp: string): PeopleNeeded {
  if (value === '1' || value === '2' || value === '3') return Number(value) as PeopleNeeded;
  throw new UsageError(`--approvals takes 1, 2 or 3, got "${value}"`, initHelp);
}

export async function initAccounts(
  profileName: string,
  options: InitAccountOptions,
  io: CliIo,
  secrets: () => SecretStore,
  initHelp: string,
): Promise<void> {
  // Checked before anything is written: a wrong command line changes nothing.
  const people = options.approvals === undefined ? undefined : peopleOption(options.approvals, initHelp);
  const user = people === undefined ? undefined : requireUserOption(options.user, 'init --approvals', initHelp);
  if (options['display-name'] !== undefined && options.admin === undefined)
    throw new UsageError('--display-name goes with --admin', initHelp);

  const opened = await openProfileForCommand(profileName, { io, secrets, exclusive: true });
  try {
    if (options.admin !== undefined) {
      const password = await chosenPassword(io, passwordVariable, options.admin);
      const admin = await createFirstAdmin(opened.db, {
        username: options.admin,
        displayName: options['display-name'] ?? options.admin,
        password,
      });
      line(io.out, `Created ${admin.username}, the first admin of "${opened.profile.name}".`);
      if (opened.profile.kind === 'demo') {
        const added = addDemoPeople(opened.db, admin.username);
        if (added.length > 0) {
          const who = added.map((p) => `${p.username} (${p.roles.join(', ')})`).join(', ');
          line(io.out, `Added the demo's sample people: ${who}. ${demoSignInWords}`);
        }
      }
    }
    if (people !== undefined && user !== undefined) {
      const actor = await actingPerson(opened.db, opened.profile.name, secrets, io, user, 'init --approvals');
      const policy = saveApprovalPolicy(opened.db, { people }, actor.username);
      line(io.out, `Payroll runs of "${opened.profile.name}" now need ${policyWords[policy.people]}.`);
    }
  } finally {
    opened.close();
  }
}
