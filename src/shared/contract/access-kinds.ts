// The kinds of contract method and the groups of readers the access rules share
// (docs/roles.md). Each area's rules are in its own file; access.ts assembles them.
import type { Role } from '../roles';

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

// Who reads payments: everyone but the admin, who sends no payment and has no need to see them.
export const paymentReaders = ['payroll-officer', 'approver', 'accountant', 'auditor'] as const;

// Who reads the ledger's rows: those who read payments, and the admin, who refunds and reverses a
// customer's payment from its row.
export const ledgerReaders = ['admin', ...paymentReaders] as const;
export const ledgerWhy = 'The admin refunds and reverses a customer’s payment from its ledger row.';

// Who reads refunds: the admin who asks, the approver who decides, the accountant who reconciles
// the money and the auditor.
export const refundReaders = ['admin', 'approver', 'accountant', 'auditor'] as const;
export const refundWhy = 'The admin asks for refunds, the approver decides them, the accountant reconciles them.';

// Who reads the audit log: the auditor, whose work it is, and the admin, who manages the accounts and
// must see who did what to them (a password reset, a role given) and answer for the chain's alarm.
// The others see their own work on its own screens; the log holds everyone's.
export const auditReaders = ['admin', 'auditor'] as const;
export const auditWhy =
  'The auditor reads everything; the admin manages the accounts and must see who did what to them.';

// Who reads money coming in: the admin, who asks customers to pay, and those who account for the
// money or check the books.
export const moneyInReaders = ['admin', 'approver', 'accountant', 'auditor'] as const;
export const moneyInWhy =
  'The admin asks customers to pay; the approver, the accountant and the auditor follow the money in.';
