// The alarm shown when the audit log does not hold together: which entry, when, what is wrong, and
// what to do, in the words a payroll officer or an accountant reads on the Dashboard and the CLI.
import type { AuditAlarm } from '../../shared/contract/money';
import { formatDateTime } from '../../shared/format';
import type { AuditChainCheck } from './audit';

export type { AuditAlarm };

/** The alarm for a chain check, or null when the chain holds. */
export function auditAlarmOf(check: AuditChainCheck): AuditAlarm | null {
  if (check.ok) return null;
  const entry = `entry ${check.brokenAt}${check.at === null ? '' : ` (${formatDateTime(check.at)})`}`;
  if (check.problem === 'unverifiable') {
    return {
      entryId: check.brokenAt,
      at: check.at,
      problem: check.problem,
      message:
        `The audit log cannot be checked without the profile's keychain: ${entry} on are sealed with the ` +
        "profile's audit key, which this computer's keychain does not hold. Nothing is known to be changed; " +
        'open the profile where its credentials are kept to check it.',
    };
  }
  let what: string;
  switch (check.problem) {
    case 'edited':
      what = `${entry} was edited after it was written`;
      break;
    case 'unreadable':
      what = `${entry} was edited and can no longer be read`;
      break;
    case 'out_of_order':
      what = `${entry} does not match the entry before it`;
      break;
    case 'missing':
      what = `entries just before ${entry} were removed`;
      break;
    case 'rebuilt':
      what = `${entry} and the entries after it were sealed again without the profile's audit key`;
      break;
    case 'missing_at_end':
      what = `the latest entries, from entry ${check.brokenAt} on, were removed`;
      break;
    default: {
      const unexpected: never = check.problem;
      what = `${entry} does not hold (${String(unexpected)})`;
    }
  }
  return {
    entryId: check.brokenAt,
    at: check.at,
    problem: check.problem,
    message:
      `The audit log was changed outside Mshahara: ${what}. ` +
      "Payments still work; tell your administrator and keep a copy of this profile's database.",
  };
}
