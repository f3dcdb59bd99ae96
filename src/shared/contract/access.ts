// Who may call each contract method (docs/roles.md). The core refuses any other caller before the
// handler runs (checkAccess in src/main/transports/access.ts), so no screen or door can skip it.
import type { Role } from '../roles';
import type { MethodName } from '../contract';

/**
 * Who may call a method: `anyone`, even before signing in; `signed-in`, a person holding any role;
 * or only a person holding one of the listed roles.
 */
export type Access = 'anyone' | 'signed-in' | readonly [Role, ...Role[]];

/**
 * What a method does to Mshahara's records, which decides who may call it:
 * - `reads`: changes nothing (exports included); the auditor may call every one, and no other.
 * - `prepares`: works on a file the caller brings, before an import; changes no record (a column
 *   mapping the person chose is remembered).
 * - `changes`: changes records, settings or setup, but makes, sends or settles no payment.
 * - `money`: makes, approves, sends, stops or settles payments; the admin may call none.
 * - `asks`: asks for money to move and moves none by itself: a refund or a reversal waits for an
 *   approver other than the one who asked, a payment request for the customer's PIN. The admin
 *   issues these (Safaricom's portal gives refunds and reversals to the business administrator),
 *   and never approves them.
 * - `own`: changes only the caller's own account (their password, their second factor); every
 *   signed-in person may, the auditor included, since it changes no record of the business.
 */
export type MethodKind = 'reads' | 'prepares' | 'changes' | 'money' | 'asks' | 'own';

export interface MethodRule {
  readonly access: Access;
  readonly kind: MethodKind;
  /** What calling it is, as the start of a sentence: "Approving a payroll run". */
  readonly doing: string;
  /** Why these roles, where it is not plain from the roles themselves. */
  readonly why?: string;
  /** Also open to anyone while the machine has no profile yet (First start), before any account exists. */
  readonly atFirstStart?: true;
}

/** The person a call comes from; null when nobody is signed in. */
export interface Caller {
  /** The account's id in the profile's `accounts` table: a run's maker and approvers are kept by it. */
  readonly accountId: number;
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
}

// Who reads payments: everyone but the admin, who sends no payment and has no need to see them.
const paymentReaders = ['payroll-officer', 'approver', 'accountant', 'auditor'] as const;

// Who reads the ledger's rows: those who read payments, and the admin, who refunds and reverses a
// customer's payment from its row.
const ledgerReaders = ['admin', ...paymentReaders] as const;
const ledgerWhy = 'The admin refunds and reverses a customer’s payment from its ledger row.';

// Who reads refunds: the admin who asks, the approver who decides, the accountant who reconciles
// the money and the auditor.
const refundReaders = ['admin', 'approver', 'accountant', 'auditor'] as const;
const refundWhy = 'The admin asks for refunds, the approver decides them, the accountant reconciles them.';

// Who reads the audit log: the auditor, whose work it is, and the admin, who manages the accounts and
// must see who did what to them (a password reset, a role given) and answer for the chain's alarm.
// The others see their own work on its own screens; the log holds everyone's.
const auditReaders = ['admin', 'auditor'] as const;
const auditWhy = 'The auditor reads everything; the admin manages the accounts and must see who did what to them.';

// Who reads money coming in: the admin, who asks customers to pay, and those who account for the
// money or check the books.
const moneyInReaders = ['admin', 'approver', 'accountant', 'auditor'] as const;
const moneyInWhy = 'The admin asks customers to pay; the approver, the accountant and the auditor follow the money in.';

export const methodAccess: { readonly [M in MethodName]: MethodRule } = {
  'app.info': {
    access: 'anyone',
    kind: 'reads',
    doing: 'Seeing which profile is open',
    why: 'The screens ask it before anyone signs in, to show the sign-in or First start.',
  },
  'session.current': {
    access: 'anyone',
    kind: 'reads',
    doing: 'Seeing who is signed in',
    why: 'The screens ask it first, to show the sign-in, the first admin or the app.',
  },
  'session.signIn': { access: 'anyone', kind: 'changes', doing: 'Signing in', why: 'It is how a person gets a role.' },
  'session.signOut': { access: 'anyone', kind: 'changes', doing: 'Signing out' },
  'session.lock': {
    access: 'anyone',
    kind: 'changes',
    doing: 'Locking the screen',
    why: 'The screen locks itself after the idle time; locking only takes access away.',
  },
  'session.createFirstAdmin': {
    access: 'anyone',
    kind: 'changes',
    doing: 'Creating the first admin',
    why: 'Nobody can hold a role before the profile has its first account; refused once it has any.',
  },
  'session.changePassword': {
    access: 'anyone',
    kind: 'changes',
    doing: 'Changing your own password',
    why: 'Someone signed in with a password an admin handed over holds no role until they choose their own; it needs the current password.',
  },
  'profiles.list': {
    access: ['admin', 'auditor'],
    kind: 'reads',
    doing: 'Listing the profiles',
    why: 'It carries each profile’s setup and credential hints.',
  },
  'profiles.create': {
    access: ['admin'],
    kind: 'changes',
    doing: 'Creating a profile',
    why: 'Open to anyone only at First start, while the machine has no profile; its first admin is created next.',
    atFirstStart: true,
  },
  'profiles.select': {
    access: ['admin'],
    kind: 'changes',
    doing: 'Switching the open profile',
    why: 'It changes the profile every window works in; each profile has its own users.',
  },
  'profiles.updateCredentials': { access: ['admin'], kind: 'changes', doing: 'Changing M-Pesa credentials' },
  'setup.testConnection': {
    access: ['admin'],
    kind: 'changes',
    doing: 'Testing the connection to M-Pesa',
    why: 'It asks M-Pesa for the balance with the profile’s credentials: part of setting the profile up.',
  },
  'certificate.info': { access: ['admin', 'auditor'], kind: 'reads', doing: 'Seeing the M-Pesa certificate' },
  'certificate.load': { access: ['admin'], kind: 'changes', doing: 'Loading an M-Pesa certificate' },
  'relay.get': { access: ['admin', 'auditor'], kind: 'reads', doing: 'Seeing the relay' },
  'relay.publicKey': {
    access: ['admin', 'auditor'],
    kind: 'reads',
    doing: 'Seeing the relay key',
    why: 'A public key, handed to the relay’s operator while the admin sets the relay up.',
  },
  'relay.connect': { access: ['admin'], kind: 'changes', doing: 'Connecting the relay' },
  'profiles.rotateCredentials': {
    access: ['admin'],
    kind: 'changes',
    doing: 'Rotating M-Pesa credentials',
    why: 'New keys and passwords are tested with M-Pesa before they replace the old ones; an admin sets the profile up.',
  },
  'profiles.backup': {
    access: ['admin'],
    kind: 'changes',
    doing: 'Backing up the profile',
    why: 'The file holds the profile’s keys and passwords, sealed with the admin’s passphrase.',
  },
  'profiles.restore': {
    access: ['admin'],
    kind: 'changes',
    doing: 'Restoring a profile from a backup',
    why: 'It makes a new profile and puts its keys and passwords in this computer’s keychain.',
  },
  'connection.status': {
    access: 'signed-in',
    kind: 'reads',
    doing: 'Seeing whether M-Pesa and the relay can be reached',
    why: 'Everyone sees the banner: payments wait while M-Pesa cannot be reached.',
  },
  'settings.get': { access: ['admin', 'auditor'], kind: 'reads', doing: 'Seeing the settings' },
  'settings.update': {
    access: ['admin'],
    kind: 'changes',
    doing: 'Changing the settings',
    why: 'The send rate and approval limits are set by the admin, who approves nothing.',
  },

  'workers.list': {
    access: ['payroll-officer', 'approver', 'auditor'],
    kind: 'reads',
    doing: 'Listing workers',
    why: 'The approver decides changes of M-Pesa number from the workers screen; workers are the officer’s to change.',
  },
  'workers.add': { access: ['payroll-officer'], kind: 'changes', doing: 'Adding a worker' },
  'workers.edit': { access: ['payroll-officer'], kind: 'changes', doing: 'Changing a worker' },
  'workers.deactivate': { access: ['payroll-officer'], kind: 'changes', doing: 'Archiving a worker' },
  'workers.restore': { access: ['payroll-officer'], kind: 'changes', doing: 'Restoring a worker' },
  'workers.importPreview': { access: ['payroll-officer'], kind: 'prepares', doing: 'Reading a worker file' },
  'workers.importCommit': { access: ['payroll-officer'], kind: 'changes', doing: 'Importing workers' },
  'workers.template': { access: ['payroll-officer'], kind: 'prepares', doing: 'Getting a blank worker file' },
  'workers.history': {
    access: ['payroll-officer', 'approver', 'auditor'],
    kind: 'reads',
    doing: 'Reading a worker’s history',
    why: 'The approver reads who changed a worker, and how, before deciding a new number.',
  },
  'workers.phoneChanges': {
    access: ['payroll-officer', 'approver', 'auditor'],
    kind: 'reads',
    doing: 'Seeing the new numbers waiting for approval',
    why: 'The officer sees which workers cannot be paid yet; the approver decides them.',
  },
  'workers.approvePhoneChange': {
    access: ['approver'],
    kind: 'changes',
    doing: 'Approving a new M-Pesa number',
    why: 'It decides where a worker’s pay goes; never by the person who changed the number.',
  },
  'workers.rejectPhoneChange': {
    access: ['approver'],
    kind: 'changes',
    doing: 'Rejecting a new M-Pesa number',
    why: 'It decides where a worker’s pay goes; never by the person who changed the number.',
  },
  'reversals.request': {
    access: ['admin'],
    kind: 'asks',
    doing: 'Asking for a reversal',
    why: 'The admin asks for a customer’s payment to be reversed; it moves no money until an approver approves.',
  },
  'reversals.approve': {
    access: ['approver'],
    kind: 'money',
    doing: 'Approving a reversal',
    why: 'The approval that meets the policy sends the money back; never by the person who asked.',
  },
  'reversals.decline': {
    access: ['approver'],
    kind: 'money',
    doing: 'Declining a reversal',
    why: 'An approver decides whether money goes back; never the person who asked.',
  },
  'reversals.resolve': {
    access: ['approver'],
    kind: 'money',
    doing: 'Settling a reversal',
    why: 'Sending again or recording it as not reversed decides money when M-Pesa’s evidence could not.',
  },
  'reversals.list': {
    access: ['admin', 'approver', 'accountant', 'auditor'],
    kind: 'reads',
    doing: 'Listing reversals',
    why: 'The admin follows what they asked, the approver decides, the accountant and the auditor check.',
  },
  'reversals.detail': {
    access: ['admin', 'approver', 'accountant', 'auditor'],
    kind: 'reads',
    doing: 'Reading a reversal',
    why: 'The admin follows what they asked, the approver decides, the accountant and the auditor check.',
  },
  'reversals.forTransaction': {
    access: ledgerReaders,
    kind: 'reads',
    doing: 'Reading whether a payment was reversed',
    why: 'Every ledger reader sees a payment shown as reversed, and the admin reverses from it.',
  },
  'imports.leftOutFile': {
    access: ['payroll-officer'],
    kind: 'prepares',
    doing: 'Saving the rows a file left out',
    why: 'Written from the rows the officer’s import left out, to fix and import again.',
  },

  'runs.list': { access: paymentReaders, kind: 'reads', doing: 'Listing payroll runs' },
  'runs.previewFile': { access: ['payroll-officer'], kind: 'prepares', doing: 'Reading a payroll file' },
  'runs.createFromWorkers': { access: ['payroll-officer'], kind: 'money', doing: 'Preparing a payroll run' },
  'runs.createFromFile': { access: ['payroll-officer'], kind: 'money', doing: 'Preparing a payroll run' },
  'runs.review': { access: paymentReaders, kind: 'reads', doing: 'Reviewing a payroll run' },
  'runs.approve': { access: ['approver'], kind: 'money', doing: 'Approving a payroll run' },
  'runs.start': {
    access: ['payroll-officer'],
    kind: 'money',
    doing: 'Sending a payroll run',
    why: 'The approver approves; the officer sends only what was approved.',
  },
  'runs.pause': { access: ['payroll-officer'], kind: 'money', doing: 'Pausing a payroll run' },
  'runs.resume': { access: ['payroll-officer'], kind: 'money', doing: 'Resuming a payroll run' },
  'runs.cancel': { access: ['payroll-officer'], kind: 'money', doing: 'Cancelling a payroll run' },
  'runs.progress': { access: paymentReaders, kind: 'reads', doing: 'Following a payroll run' },
  'runs.results': { access: paymentReaders, kind: 'reads', doing: 'Seeing a payroll run’s results' },
  'runs.retryFailed': {
    access: paymentReaders,
    kind: 'reads',
    doing: 'Seeing what a retry would send',
    why: 'It sends nothing: it lists the failed payments, which the approver reads before approving their retry.',
  },
  'runs.approveRetry': {
    access: ['approver'],
    kind: 'money',
    doing: 'Approving a retry of failed payments',
    why: 'It sends failed payments again, so it is approved like a run, never by the person who asked for it.',
  },
  'runs.editLine': {
    access: ['payroll-officer'],
    kind: 'money',
    doing: 'Changing a line of a draft run',
    why: 'Only the officer who prepared the run may change it (the core checks it); the change voids standing approvals.',
  },
  'runs.removeLine': {
    access: ['payroll-officer'],
    kind: 'money',
    doing: 'Removing a line from a draft run',
    why: 'Only the officer who prepared the run may change it (the core checks it); the change voids standing approvals.',
  },
  'runs.addWorkers': {
    access: ['payroll-officer'],
    kind: 'money',
    doing: 'Adding people to a draft run',
    why: 'Only the officer who prepared the run may change it (the core checks it); the change voids standing approvals.',
  },
  'runs.discard': {
    access: ['payroll-officer'],
    kind: 'money',
    doing: 'Discarding a draft run',
    why: 'Only the officer who prepared the run may discard it (the core checks it); nothing was sent.',
  },
  'runs.requestRetry': {
    access: ['payroll-officer'],
    kind: 'money',
    doing: 'Asking for failed payments to be sent again',
    why: 'Nothing is sent until an approver other than the one who asked approves it.',
  },
  'runs.export': { access: paymentReaders, kind: 'reads', doing: 'Exporting a payroll run' },
  'runs.attention': {
    access: ['payroll-officer', 'accountant', 'auditor'],
    kind: 'reads',
    doing: 'Seeing the payments that need attention',
    why: 'The officer’s work list; the accountant reads it to know what is still open.',
  },
  'runs.resolve': {
    access: ['payroll-officer'],
    kind: 'money',
    doing: 'Settling a payment that needs attention',
    why: 'It settles a payment as paid or failed on the officer’s evidence; a failed one may be sent again.',
  },
  'runs.clearFinding': {
    access: ['payroll-officer'],
    kind: 'changes',
    doing: 'Clearing a finding',
    why: 'The officer recovers the money from the worker, or says why it stays; the others read findings.',
  },

  'dashboard.summary': {
    access: 'signed-in',
    kind: 'reads',
    doing: 'Seeing the dashboard',
    why: 'Every role lands on it, and it carries the audit alarm everyone must see.',
  },
  'balance.refresh': {
    access: ['payroll-officer', 'approver', 'accountant'],
    kind: 'changes',
    doing: 'Asking M-Pesa for the balance',
    why: 'It asks M-Pesa and keeps the answer; for those who act on the float (send, approve, account).',
  },
  'float.history': {
    access: 'signed-in',
    kind: 'reads',
    doing: 'Seeing the float’s history',
    why: 'Every balance M-Pesa reported; everyone who sees the dashboard’s float may see how it moved.',
  },
  'float.warning': {
    access: 'signed-in',
    kind: 'reads',
    doing: 'Seeing the low-float warning',
    why: 'Shown on the dashboard and before each run, to whoever is there.',
  },
  'float.setWarningLevel': {
    access: ['admin'],
    kind: 'changes',
    doing: 'Setting the low-float level',
    why: 'A setting: the admin keeps the settings, and the warning refuses nothing.',
  },
  'lookup.receipt': {
    access: 'signed-in',
    kind: 'reads',
    doing: 'Looking up a receipt',
    why: 'It asks M-Pesa a question and moves nothing.',
  },
  'lookup.answer': {
    access: 'signed-in',
    kind: 'reads',
    doing: 'Reading the answer to a lookup',
    why: 'It reads M-Pesa’s answer to a question asked before; it moves nothing.',
  },
  'lookup.record': {
    access: ['admin', 'accountant'],
    kind: 'changes',
    doing: 'Recording money received that a lookup found',
    why: 'A ledger row of money received, from M-Pesa’s own answer; the accountant keeps the books and the admin handles customers’ payments.',
  },
  'ledger.list': {
    access: ledgerReaders,
    kind: 'reads',
    doing: 'Reading the ledger',
    why: ledgerWhy,
  },
  'ledger.detail': {
    access: ledgerReaders,
    kind: 'reads',
    doing: 'Reading a ledger entry',
    why: ledgerWhy,
  },
  'refunds.request': {
    access: ['admin'],
    kind: 'asks',
    doing: 'Asking for a refund of a customer’s payment',
    why: 'Nothing is paid until an approver other than the admin who asked approves it.',
  },
  'refunds.approve': {
    access: ['approver'],
    kind: 'money',
    doing: 'Approving a refund',
    why: 'The approval that meets the policy sends the refund, so it is approved like a run, never by the person who asked.',
  },
  'refunds.decline': {
    access: ['approver'],
    kind: 'money',
    doing: 'Declining a refund',
    why: 'The approver decides a refund either way; declining frees the amount again.',
  },
  'refunds.list': { access: refundReaders, kind: 'reads', doing: 'Reading the refunds', why: refundWhy },
  'refunds.detail': { access: refundReaders, kind: 'reads', doing: 'Reading a refund', why: refundWhy },
  'refunds.forTransaction': {
    access: refundReaders,
    kind: 'reads',
    doing: 'Reading the refunds of a ledger entry',
    why: refundWhy,
  },
  'ledger.export': {
    access: ['accountant', 'auditor'],
    kind: 'reads',
    doing: 'Exporting the ledger',
    why: 'Exports of the books are the accountant’s; the officer exports a run’s results instead.',
  },
  'inbox.list': {
    access: ['payroll-officer', 'accountant', 'auditor'],
    kind: 'reads',
    doing: 'Reading the callbacks from M-Pesa',
  },
  'inbox.settle': {
    access: ['payroll-officer'],
    kind: 'money',
    doing: 'Settling a callback',
    why: 'It applies M-Pesa’s answer about a payment, settling that payment like runs.resolve.',
  },

  'statements.preview': { access: ['accountant'], kind: 'prepares', doing: 'Reading an M-Pesa statement' },
  'statements.import': { access: ['accountant'], kind: 'changes', doing: 'Importing an M-Pesa statement' },
  'reconcile.show': { access: ['accountant', 'auditor'], kind: 'reads', doing: 'Seeing a reconciliation' },
  'reconcile.tick': { access: ['accountant'], kind: 'changes', doing: 'Ticking statement rows' },
  'reconcile.tickMatched': { access: ['accountant'], kind: 'changes', doing: 'Ticking matched statement rows' },
  'reconcile.decide': {
    access: ['accountant'],
    kind: 'changes',
    doing: 'Deciding about a statement row',
    why: 'Confirming settles a waiting payment from M-Pesa’s own statement, the evidence reconciliation works from; it sends nothing.',
  },
  'reconcile.finish': { access: ['accountant'], kind: 'changes', doing: 'Finishing a reconciliation' },
  'reconcile.history': { access: ['accountant', 'auditor'], kind: 'reads', doing: 'Seeing past reconciliations' },
  'reconcile.export': { access: ['accountant', 'auditor'], kind: 'reads', doing: 'Exporting a reconciliation' },
  'reports.failedPayments': { access: paymentReaders, kind: 'reads', doing: 'Seeing failed payments' },
  'reports.failedPaymentsExport': {
    access: ['payroll-officer', 'accountant', 'auditor'],
    kind: 'reads',
    doing: 'Exporting failed payments',
    why: 'The officer follows failed payments up with the workers; the approver reads them on screen.',
  },
  'statements.float': { access: ['accountant', 'auditor'], kind: 'reads', doing: 'Seeing the float statement' },
  'statements.floatExport': {
    access: ['accountant', 'auditor'],
    kind: 'reads',
    doing: 'Exporting the float statement',
  },

  'users.list': {
    access: ['admin', 'auditor'],
    kind: 'reads',
    doing: 'Listing the people who sign in',
    why: 'Accounts are the admin’s to manage; the auditor reads who holds which role.',
  },
  'users.add': { access: ['admin'], kind: 'changes', doing: 'Adding a person' },
  'users.setRoles': { access: ['admin'], kind: 'changes', doing: 'Changing a person’s roles' },
  'users.disable': { access: ['admin'], kind: 'changes', doing: 'Disabling a person’s account' },
  'users.enable': { access: ['admin'], kind: 'changes', doing: 'Enabling a person’s account' },
  'users.resetPassword': {
    access: ['admin'],
    kind: 'changes',
    doing: 'Resetting a person’s password',
    why: 'The admin hands over a first password the person must change; it ends a lock-out.',
  },
  'users.policy': {
    access: ['admin', 'auditor'],
    kind: 'reads',
    doing: 'Seeing the sign-in and approval policies',
    why: 'Everyone signed in reads the approval policy in words from account.me.',
  },
  'users.savePolicy': {
    access: ['admin'],
    kind: 'changes',
    doing: 'Changing the sign-in and approval policies',
    why: 'How many people approve a run is set by the admin, who approves nothing.',
  },
  'account.me': {
    access: 'signed-in',
    kind: 'reads',
    doing: 'Seeing your own account',
    why: 'Each person reads their own account and the approval policy every screen shows.',
  },
  'account.changePassword': {
    access: 'signed-in',
    kind: 'own',
    doing: 'Changing your password',
    why: 'Only your own, proving the current one.',
  },
  'account.enrolSecondFactor': {
    access: 'signed-in',
    kind: 'own',
    doing: 'Setting up your authenticator app',
  },
  'account.confirmSecondFactor': {
    access: 'signed-in',
    kind: 'own',
    doing: 'Turning your authenticator app on',
  },
  'account.removeSecondFactor': {
    access: 'signed-in',
    kind: 'own',
    doing: 'Removing your authenticator app',
  },
  'audit.list': {
    access: auditReaders,
    kind: 'reads',
    doing: 'Seeing the audit log',
    why: auditWhy,
  },
  'audit.export': { access: auditReaders, kind: 'reads', doing: 'Exporting the audit log', why: auditWhy },
  'audit.verify': {
    access: auditReaders,
    kind: 'reads',
    doing: 'Checking the audit log',
    why: auditWhy,
  },
  'collections.request': {
    access: ['admin'],
    kind: 'asks',
    doing: 'Asking a customer to pay by M-Pesa Express',
    why: 'It asks the customer for money and moves none by itself: the customer enters their PIN.',
  },
  'collections.list': {
    access: moneyInReaders,
    kind: 'reads',
    doing: 'Seeing payment requests and money received',
    why: moneyInWhy,
  },
  'collections.detail': {
    access: moneyInReaders,
    kind: 'reads',
    doing: 'Seeing a payment request',
    why: moneyInWhy,
  },
  'collections.askAgain': {
    access: ['admin'],
    kind: 'asks',
    doing: 'Asking a customer again to pay',
    why: 'A new prompt to the customer, asked for by the admin knowing an earlier one may have reached them.',
  },
  'collections.registerUrls': {
    access: ['admin'],
    kind: 'changes',
    doing: 'Registering the addresses for customers’ payments',
    why: 'Part of setting the profile up: it tells M-Pesa where to send customers’ Pay Bill payments.',
  },
  'collections.recordReceipt': {
    access: ['admin', 'accountant'],
    kind: 'changes',
    doing: 'Recording the receipt of a payment request',
    why: 'It records money received only when M-Pesa confirms the receipt; it sends nothing.',
  },
  'received.checkAgain': {
    access: ['admin', 'accountant'],
    kind: 'changes',
    doing: 'Checking a customer’s payment again',
    why: 'It asks M-Pesa whether a payment it has not confirmed is real, and records it only if M-Pesa says so; it sends nothing.',
  },
};

/** Whether a person holding `roles` (null: nobody signed in) may call a method with this access. */
export function accessAllows(access: Access, roles: readonly Role[] | null): boolean {
  if (access === 'anyone') return true;
  if (roles === null) return false;
  if (access === 'signed-in') return roles.length > 0;
  return access.some((role) => roles.includes(role));
}

/** Whether a call that was cut off in flight can simply be asked again: it changed nothing. */
export function changesNothing(method: MethodName): boolean {
  const { kind } = methodAccess[method];
  return kind === 'reads' || kind === 'prepares';
}
