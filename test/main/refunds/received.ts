// Money received for refund tests: ledger rows written through the ledger's own writer, as a C2B
// confirmation or an STK callback would write them.
import { createHash } from 'node:crypto';
import type { ProfileDatabase } from '../../../src/main/db';
import { recordTransaction } from '../../../src/main/ledger/transactions';

let counter = 0;

export interface Received {
  id: number;
  receipt: string;
}

export function received(
  db: ProfileDatabase,
  options: {
    amountCents?: number;
    kind?: 'c2b_payment' | 'stk_payment';
    phone?: string | null;
    partyDisplay?: string | null;
    partyName?: string | null;
    status?: 'completed' | 'failed';
  } = {},
): Received {
  counter += 1;
  const receipt = `QKH94M${String(counter).padStart(4, '0')}`;
  const kind = options.kind ?? 'c2b_payment';
  const row = db.transaction(() =>
    recordTransaction(db, {
      receipt,
      occurredAt: new Date(Date.UTC(2026, 10, 20, 9, counter)).toISOString(),
      direction: 'in',
      kind,
      status: options.status ?? 'completed',
      amountCents: options.amountCents ?? 1000_00,
      phone: options.phone === undefined ? null : options.phone,
      partyName: options.partyName === undefined ? 'NICHOLAS SONGOK' : options.partyName,
      partyDisplay: options.partyDisplay === undefined ? '2547 ***** 149' : options.partyDisplay,
      source: kind === 'stk_payment' ? 'stk_callback' : 'c2b_confirmation',
    }),
  )();
  return { id: row.id, receipt };
}

export const sha256Of = (msisdn: string): string => createHash('sha256').update(msisdn).digest('hex');
