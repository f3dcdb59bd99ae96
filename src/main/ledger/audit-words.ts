// What an audit entry says in plain words for the audit view: "approved payroll run #12", and the
// before → after of the changes whose details carry them. An action with no words here is shown by
// its own name, so a new action is never hidden, only less pretty until it gets a line.
import { formatMoney } from '../../shared/format';
import { formatMsisdn } from '../../shared/phone';

/** The fields of an entry the words are made from. */
export interface AuditFacts {
  action: string;
  entity: string;
  entityId: string | null;
  details: Record<string, unknown>;
}

/** One field an entry changed: its name as people read it, and the value before and after, as text. */
export interface AuditChange {
  field: string;
  before: string;
  after: string;
}

type Words = (facts: AuditFacts) => string;

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value : typeof value === 'number' ? String(value) : null;

/** "#12", or nothing when the entry names no entity id. */
const number = (facts: AuditFacts): string => (facts.entityId === null ? '' : ` #${facts.entityId}`);

/** The account's username from the details ("amina"), else its id. */
const account = (facts: AuditFacts): string => text(facts.details.username) ?? number(facts).trim();

const runWords =
  (verb: string): Words =>
  (facts) =>
    `${verb} payroll run${number(facts)}`;

const attemptWords =
  (what: string): Words =>
  (facts) =>
    `payment try${number(facts)} ${what}`;

/** Every action Mshahara writes, in words. Keys are the `action` column as appendAudit stores it. */
const actionWords: Readonly<Record<string, Words>> = {
  'account.first_admin': (f) => `created the first admin, ${account(f)}`,
  'account.added': (f) => `added the account ${account(f)}`,
  'account.roles_changed': (f) => `changed the roles of ${account(f)}`,
  'account.disabled': (f) => `disabled the account ${account(f)}`,
  'account.enabled': (f) => `enabled the account ${account(f)}`,
  'account.password_reset': (f) => `reset the password of ${account(f)}`,
  'account.password_changed': (f) => `changed the password of ${account(f)}`,
  'account.signed_in': (f) => `${account(f)} signed in`,
  'account.signed_out': (f) => `${account(f)} signed out`,
  'account.demo_people_added': () => 'added the demo’s sample officer, approver and accountant',
  'account.signin_failed': (f) => `a sign-in as ${account(f)} failed`,
  'account.locked_out': (f) => `locked ${account(f)} out after failed sign-ins`,
  'account.totp_enrolment_started': (f) => `began setting up a second factor for ${account(f)}`,
  'account.totp_enabled': (f) => `turned on the second factor of ${account(f)}`,
  'account.totp_removed': (f) => `removed the second factor of ${account(f)}`,
  'settings.signin_policy': () => 'changed the sign-in policy',
  'settings.low_float': () => 'changed the level the float is warned at',
  'settings.approval_policy': () => 'changed who approves payroll runs',
  'settings.amount_limits': () => 'changed the payment amount limits',
  'profile.credentials_rotated': (f) =>
    `replaced M-Pesa credentials of profile ${f.entityId ?? ''} (${text(f.details.outcome) === 'untested' ? 'kept untested' : 'tested with M-Pesa'})`,
  'profile.credentials_kept': (f) =>
    `tried new M-Pesa credentials for profile ${f.entityId ?? ''}; the old ones were kept`,
  'profile.backed_up': (f) => `backed up profile ${f.entityId ?? ''} to a file sealed with a passphrase`,
  'profile.restored': (f) =>
    `restored profile ${f.entityId ?? ''} from a backup of ${text(f.details.from) ?? 'a profile'}`,
  'worker.added': (f) => `added the worker ${text(f.details.name) ?? number(f).trim()}`,
  'worker.edited': (f) => `edited worker${number(f)}`,
  'worker.phone_change_requested': (f) => `changed the M-Pesa number of worker${number(f)}, for an approver to approve`,
  'worker.phone_change_approved': (f) => `approved the new M-Pesa number of worker${number(f)}`,
  'worker.phone_change_rejected': (f) => `rejected the new M-Pesa number of worker${number(f)}; the old one is back`,
  'worker.phone_change_withdrawn': (f) => `replaced a waiting new M-Pesa number of worker${number(f)}`,
  'worker.archived': (f) => `deactivated the worker ${text(f.details.name) ?? number(f).trim()}`,
  'worker.restored': (f) => `restored the worker ${text(f.details.name) ?? number(f).trim()}`,
  'workers.imported': (f) =>
    `imported workers${text(f.details.fileName) === null ? '' : ` from ${String(f.details.fileName)}`}`,
  'import_mapping.saved': () => 'saved the columns of a file layout',
  'refund.requested': (f) =>
    `asked for refund${number(f)}${typeof f.details.amountCents === 'number' ? ` of ${formatMoney(f.details.amountCents)}` : ''}${text(f.details.receipt) === null ? '' : ` to the payer of ${String(f.details.receipt)}`}`,
  'refund.approval_recorded': (f) => `approved refund${number(f)}; it waits for one more approver`,
  'refund.approved': (f) => `approved refund${number(f)}, which sends it`,
  'refund.declined': (f) => `declined refund${number(f)}`,
  'refund.sent_again': (f) => `sent refund${number(f)} again after it was recorded as failed on a person's word`,
  'payroll_run.created': runWords('created'),
  'payroll_run.items_added': (f) => `added workers to payroll run${number(f)}`,
  'payroll_run.approval_recorded': runWords('approved'),
  'payroll_run.approval_voided': (f) => `voided an approval of payroll run${number(f)}`,
  'payroll_run.approved': (f) => `payroll run${number(f)} has the approvals it needs`,
  'payroll_run.started': runWords('started'),
  'payroll_run.paused': runWords('paused'),
  'payroll_run.resumed': runWords('resumed'),
  'payroll_run.cancelled': runWords('cancelled'),
  'payroll_run.retry_approved': (f) => `approved a retry of payroll run${number(f)}`,
  'payroll_run.retry_requested': (f) => `asked for the failed payments of payroll run${number(f)} to be sent again`,
  'payroll_run.retry_request_approved': (f) => `approved sending the failed payments of payroll run${number(f)} again`,
  'payroll_run.retry_request_set_aside': (f) =>
    `set aside a retry request of payroll run${number(f)}: its lines changed`,
  'payroll_run.discarded': runWords('discarded'),
  'payroll_run.completed': (f) => `payroll run${number(f)} finished`,
  'payroll_item.edited': (f) => `changed a line of payroll run${runOf(f)}`,
  'payroll_item.removed': (f) => `removed ${text(f.details.name) ?? 'a line'} from payroll run${runOf(f)}`,
  'payout_attempt.sending': attemptWords('is being sent to M-Pesa'),
  'payout_attempt.accepted': attemptWords('was accepted by M-Pesa'),
  'payout_attempt.rejected': attemptWords('was refused'),
  'payout_attempt.unknown': attemptWords('has no answer yet'),
  'payout_attempt.resend_scheduled': attemptWords('will be sent again'),
  'payout_attempt.status_query_sent': (f) => `asked M-Pesa about payment try${number(f)}`,
  'payout_attempt.status_query_unanswered': (f) => `M-Pesa did not answer about payment try${number(f)}`,
  'payout_attempt.needs_attention': attemptWords('needs a person to look at it'),
  'payout_attempt.succeeded': (f) => `payment try${number(f)} was paid${receiptOf(f)}`,
  'payout_attempt.failed': attemptWords('failed'),
  'payout_attempt.contradicted': attemptWords('was contradicted by M-Pesa'),
  'payout_attempt.resolved': (f) => `settled payment try${number(f)} by hand`,
  'payout_finding.cleared': (f) => `cleared finding${number(f)}`,
  'ledger.received': (f) => `recorded money received${receiptOf(f)}`,
  'ledger.recorded_from_lookup': (f) => `recorded money received${receiptOf(f)} from M-Pesa's answer to a lookup`,
  'transaction.corrected': (f) => `corrected ledger row #${text(f.details.correctsId) ?? '?'}`,
  'inbox.flagged': (f) => `flagged callback${number(f)}`,
  'inbox.settled': (f) => `settled callback${number(f)}`,
  'status_lookup.answered': (f) =>
    `received M-Pesa's answer about ${text(f.details.about) ?? 'a transaction'} (${text(f.details.resultCode) ?? 'no code'})`,
  'reversal.requested': (f) =>
    `asked for payment ${text(f.details.receipt) ?? ''} to be reversed (reversal${number(f)})`,
  'reversal.approved': (f) => `approved reversal${number(f)} of ${text(f.details.receipt) ?? 'a payment'}`,
  'reversal.declined': (f) => `declined reversal${number(f)}: ${text(f.details.reason) ?? ''}`,
  'reversal.sent': (f) => `sent reversal${number(f)} to M-Pesa`,
  'reversal.accepted': (f) => `reversal${number(f)} was accepted by M-Pesa`,
  'reversal.refused': (f) => `reversal${number(f)} was refused before M-Pesa acted on it`,
  'reversal.unknown': (f) => `reversal${number(f)} has no answer yet`,
  'reversal.attention': (f) => `reversal${number(f)} needs a person to look at it`,
  'reversal.succeeded': (f) => `reversal${number(f)} was made${receiptOf(f)}`,
  'reversal.already_reversed': (f) =>
    `M-Pesa said ${text(f.details.original) ?? 'the payment'} was already reversed (reversal${number(f)})`,
  'reversal.receipt_found': (f) => `found the receipt of reversal${number(f)}${receiptOf(f)}`,
  'reversal.failed': (f) => `reversal${number(f)} failed (${text(f.details.resultCode) ?? 'no code'})`,
  'reversal.send_refused': (f) =>
    `M-Pesa refused one send of reversal${number(f)} (${text(f.details.resultCode) ?? 'no code'}); a person decides`,
  'reversal.resolved': (f) => `settled reversal${number(f)} by hand`,
  'reversal.portal_recorded': (f) =>
    `recorded a reversal made on the M-Pesa portal${receiptOf(f)} of ${text(f.details.original) ?? 'a payment'}`,
  'relay_event.unreadable': () => 'could not read a callback from the relay',
  'collection.requested': (f) => `asked a customer to pay by M-Pesa Express (payment request${number(f)})`,
  'collection.asked_again': (f) => `asked a customer again to pay (payment request${number(f)})`,
  'collection.paid': (f) => `payment request${number(f)} was paid${receiptOf(f)}`,
  'collection.paid_after_declined': (f) =>
    `payment request${number(f)} was paid${receiptOf(f)} after M-Pesa had said it was not; it waits for a person's look`,
  'collection.paid_no_receipt': (f) =>
    `M-Pesa said payment request${number(f)} was paid; its receipt is not yet received`,
  'collection.declined': (f) =>
    `payment request${number(f)} was not paid: ${text(f.details.words) ?? 'the customer said no'}`,
  'collection.checked': (f) =>
    `checked payment request${number(f)}${text(f.details.note) === null ? '' : `: ${String(f.details.note)}`}`,
  'collection.unknown': (f) => `the answer to payment request${number(f)} was lost; it is not sent again`,
  'collection.receipt_entered': (f) =>
    `recorded the receipt${receiptOf(f)} of payment request${number(f)}, confirmed by M-Pesa`,
  'collection.needs_person': (f) => `payment request${number(f)} has no answer from M-Pesa and waits for a person`,
  'received.flagged': (f) => `flagged a customer's payment${receiptOf(f)}: nothing was recorded`,
  'received.needs_person': (f) => `a customer's payment${receiptOf(f)} could not be confirmed and waits for a person`,
  'received.check_again': (f) => `asked M-Pesa again about a customer's payment${receiptOf(f)}`,
  'c2b.urls_registered': (f) =>
    `registered the addresses for customers' payments (${text(f.details.answer) ?? 'no answer'})`,
  'statement.imported': (f) =>
    `imported an M-Pesa statement${text(f.details.file) === null ? '' : ` (${String(f.details.file)})`}`,
  'statement_row.added_to_ledger': (f) => `added statement row${receiptOf(f)} to the ledger`,
  'statement_row.belongs_elsewhere': (f) => `marked statement row${receiptOf(f)} as belonging elsewhere`,
  'statement_rows.ticked': () => 'ticked statement rows',
  'statement_rows.unticked': () => 'unticked statement rows',
  'reconciliation.finished': (f) => `finished reconciliation${number(f)}`,
};

function runOf(facts: AuditFacts): string {
  const run = text(facts.details.runId);
  return run === null ? '' : ` #${run}`;
}

function receiptOf(facts: AuditFacts): string {
  const receipt = text(facts.details.receipt);
  return receipt === null ? '' : ` ${receipt}`;
}

/** What the entry says in plain words; an action with no words is shown by its raw name. */
export function auditWords(facts: AuditFacts): string {
  const words = actionWords[facts.action];
  return words === undefined ? facts.action : words(facts);
}

/** The actions that have words, for the screen's action filter. */
export const describedActions: readonly string[] = Object.keys(actionWords).sort();

/** The field names as people read them; others are shown as stored. */
const fieldNames: Readonly<Record<string, string>> = {
  name: 'Name',
  phone: 'Phone',
  staffNumber: 'Staff number',
  nationalId: 'National ID',
  department: 'Department',
  defaultAmountCents: 'Default amount',
  notes: 'Notes',
  roles: 'Roles',
  amountCents: 'Amount',
  chargeCents: 'Charge',
  people: 'People who act on a run',
  aboveCents: 'One more person above',
  idleLockMinutes: 'Minutes idle before the screen locks',
  slowDownAfter: 'Failed sign-ins before the slow-down',
  lockOutAfter: 'Failed sign-ins before the lock-out',
  lockOutMinutes: 'Lock-out minutes',
  approversNeedSecondFactor: 'Approvers need a second factor',
  levelCents: 'Warn when the float is below',
};

/** A value as text: money from cents for *Cents fields, phones as people write them, lists joined, nothing as "—". */
export function valueText(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number' && /cents$/i.test(field)) return formatMoney(value);
  if (typeof value === 'string' && field === 'phone' && /^254\d{9}$/.test(value)) return formatMsisdn(value);
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map((v) => valueText(field, v)).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value as string | number | boolean);
}

function change(field: string, before: unknown, after: unknown): AuditChange {
  return { field: fieldNames[field] ?? field, before: valueText(field, before), after: valueText(field, after) };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The before → after an entry carries, in the shapes Mshahara writes them: `{changed: {field: {from,
 * to}}}` (worker edits), `{before: {...}, after: {...}}` (settings, roles), `{fromCents, toCents}`
 * (a run line's amount). Fields equal on both sides are left out. Empty when the entry carries none.
 */
export function auditChanges(details: Record<string, unknown>): AuditChange[] {
  const { changed, before, after } = details;
  if (isRecord(changed)) {
    return Object.entries(changed).flatMap(([field, values]) =>
      isRecord(values) ? [change(field, values.from, values.to)] : [],
    );
  }
  if (isRecord(before) || isRecord(after)) {
    const was = isRecord(before) ? before : {};
    const now = isRecord(after) ? after : {};
    const fields = [...new Set([...Object.keys(was), ...Object.keys(now)])];
    return fields
      .filter((field) => JSON.stringify(was[field]) !== JSON.stringify(now[field]))
      .map((field) => change(field, was[field], now[field]));
  }
  if ('fromCents' in details || 'toCents' in details)
    return [change('amountCents', details.fromCents, details.toCents)];
  if (typeof details.changeId === 'number' && ('from' in details || 'to' in details))
    return [change('phone', details.from, details.to)];
  return [];
}
