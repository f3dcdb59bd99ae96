// Who may do what in Mshahara, modelled on Safaricom's bulk-payment portal. A person may hold
// several roles; no role can bypass an approval, and the maker of a run never approves it.
export const roles = ['admin', 'payroll-officer', 'approver', 'accountant', 'auditor'] as const;
export type Role = (typeof roles)[number];

/** What each role is for, in the words the screens and the CLI use. */
export const roleWords: Record<Role, { name: string; does: string }> = {
  admin: {
    name: 'Admin',
    does: 'users, credentials, the relay and settings; asks for refunds, reversals and payments, approves none',
  },
  'payroll-officer': {
    name: 'Payroll officer',
    does: 'workers and payroll runs; starts approved runs and asks for retries',
  },
  approver: { name: 'Approver', does: 'approves runs, retries, refunds and reversals' },
  accountant: {
    name: 'Accountant',
    does: 'the ledger, statements, reconciliation and exports; reads payments without changing them',
  },
  auditor: { name: 'Auditor', does: 'reads everything, the audit log included; changes nothing' },
};

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
