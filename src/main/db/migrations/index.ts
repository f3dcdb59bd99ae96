// The ordered list of schema migrations. Kept as TypeScript modules exporting their SQL so the
// same import works under tsx, vitest and the electron-vite bundle (no files to find at run time).
// Add a migration: a new NNN_name.ts exporting `sql`, one line here, and a test in test/main/db/.
import { sql as initial } from './001_initial';
import { sql as evidence } from './002_evidence';
import { sql as reconciliation } from './003_reconciliation';
import { sql as ledgerTotals } from './004_ledger_totals';
import { sql as accountantLedger } from './005_accountant_ledger';
import { sql as failedPayments } from './006_failed_payments';
import { sql as accounts } from './007_accounts';
import { sql as runApprovals } from './008_run_approvals';
import { sql as auditHashKind } from './009_audit_hash_kind';
import { sql as workerChanges } from './010_worker_changes';
import { sql as retryRequests } from './011_retry_requests';
import { sql as statusLookups } from './012_status_lookups';
import { sql as refunds } from './013_refunds';
import { sql as collections } from './014_collections';
import { sql as reversals } from './015_reversals';
import { sql as reversalSends } from './016_reversal_sends';
import { sql as collectionAttention } from './017_collection_attention';

export interface Migration {
  /** The schema version this migration brings the database to (PRAGMA user_version). */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  { version: 1, name: '001_initial', sql: initial },
  { version: 2, name: '002_evidence', sql: evidence },
  { version: 3, name: '003_reconciliation', sql: reconciliation },
  { version: 4, name: '004_ledger_totals', sql: ledgerTotals },
  { version: 5, name: '005_accountant_ledger', sql: accountantLedger },
  { version: 6, name: '006_failed_payments', sql: failedPayments },
  { version: 7, name: '007_accounts', sql: accounts },
  { version: 8, name: '008_run_approvals', sql: runApprovals },
  { version: 9, name: '009_audit_hash_kind', sql: auditHashKind },
  { version: 10, name: '010_worker_changes', sql: workerChanges },
  { version: 11, name: '011_retry_requests', sql: retryRequests },
  { version: 12, name: '012_status_lookups', sql: statusLookups },
  { version: 13, name: '013_refunds', sql: refunds },
  { version: 14, name: '014_collections', sql: collections },
  { version: 15, name: '015_reversals', sql: reversals },
  { version: 16, name: '016_reversal_sends', sql: reversalSends },
  { version: 17, name: '017_collection_attention', sql: collectionAttention },
];
