// Whether a refund still holds its amount against the receipt. A refund that was paid, or is on
// its way, holds it. So does one marked failed or cancelled while its money may still move: an
// attempt still out (sent, unknown), or one recorded as failed on a person's word rather than
// M-Pesa's (payout rule 9: M-Pesa may yet say it was paid). Freeing that amount would let a second
// refund go out on top of a first that was paid after all. Only M-Pesa's own failure, or an
// attempt refused before it reached M-Pesa, frees it.
import type { ProfileDatabase } from '../db';

/** The result code of an attempt a person recorded as failed without M-Pesa's word (attention.ts). */
export const failedOnAPersonsWord = 'mshahara.resolved';

/** SQL: the payment of the refund aliased `alias` may still move (or did). */
export function moneyMayMoveSql(alias: string): string {
  return `EXISTS (SELECT 1 FROM payout_attempts hold WHERE hold.item_id = ${alias}.item_id
            AND (hold.state NOT IN ('failed', 'rejected')
                 OR (hold.state = 'failed' AND hold.result_code = '${failedOnAPersonsWord}')))`;
}

/** SQL: the refund aliased `alias` holds its amount against its receipt. */
export function refundHoldsSql(alias: string): string {
  return `(${alias}.state NOT IN ('failed', 'declined', 'cancelled') OR ${moneyMayMoveSql(alias)})`;
}

/** Who recorded the refund's payment as failed on their word, if anyone: they do not send it again. */
export function failureRecordedBy(db: ProfileDatabase, itemId: number): string[] {
  const rows = db
    .prepare(
      `SELECT DISTINCT resolved_by FROM payout_attempts
        WHERE item_id = ? AND state = 'failed' AND result_code = ? AND resolved_by IS NOT NULL`,
    )
    .all(itemId, failedOnAPersonsWord) as Array<{ resolved_by: string }>;
  return rows.map((row) => row.resolved_by);
}
