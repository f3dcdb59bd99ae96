// The plain lists the contract's schemas are built from, without the schemas: a screen that needs
// only a list (the kinds in a filter, the buckets of a statement) imports it from here and does
// not load the whole contract and its schema library when it opens.
export const transactionKinds = ['b2c_payment', 'c2b_payment', 'stk_payment', 'reversal', 'refund'] as const;
export const transactionStatuses = ['completed', 'failed'] as const;
/** How a charge is known: estimated from the tariff, reported by M-Pesa's answer, confirmed by the statement. */
export const chargeBases = ['estimated', 'reported', 'confirmed'] as const;
export type ChargeBasis = (typeof chargeBases)[number];

/** The buckets every statement row ends in. */
export const buckets = ['matched', 'difference', 'charge', 'reversal', 'statement_only'] as const;
/** Xero takes at most this many lines in one bank-statement file. */
export const xeroLinesPerFile = 1000;

/** What a column of a payroll or worker file can mean. */
export const importColumnNames = [
  'name',
  'phone',
  'amount',
  'reference',
  'nationalId',
  'staffNumber',
  'department',
] as const;
