// Events main pushes to every open page: run progress and its end, new callbacks in the inbox,
// a new balance, new ledger rows, a change of profile, and a broken audit log. Each carries enough to redraw without a call.
import { z } from 'zod';
import { cents, id } from './common';
import { auditAlarm, floatView } from './money';
import { runDisplayStatuses, runProgress } from './payroll';
import { currentProfile } from './setup';
import { reachabilityView } from './profile-care';

export const contractEvents = {
  'app.notice': z.object({ message: z.string() }),
  'run.progress': runProgress,
  /** Sent once when a run finishes or is cancelled (the desktop app also shows a notification). */
  'run.ended': z.object({
    runId: id,
    title: z.string(),
    displayStatus: z.enum(runDisplayStatuses),
    paidCount: z.number().int(),
    failedCount: z.number().int(),
    paidCents: cents,
  }),
  'inbox.changed': z.object({ added: z.number().int().min(0), needsAction: z.number().int().min(0) }),
  'balance.changed': floatView,
  'ledger.changed': z.object({ added: z.number().int().min(0), latestId: id.nullable() }),
  'profile.changed': z.object({ profile: currentProfile.nullable() }),
  /** The audit log of the open profile was found broken (checked after the profile opens). */
  'audit.alarm': auditAlarm,
  /** A payment request moved (the customer answered, a query said so) or a customer's payment was checked. */
  'collections.changed': z.object({ requestId: id.nullable(), inboxId: id.nullable() }),
  /** M-Pesa or the relay stopped answering, or answers again: the frame's banner. */
  'connection.changed': reachabilityView,
} as const;
