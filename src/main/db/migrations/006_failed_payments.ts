// The failed-payments report reads failed and rejected tries newest first, by the time they
// finished. This index holds exactly those tries, in that order, with what the report's totals
// add up, so a page, a date range and the totals are read from it alone, without a sort. Successful
// tries, the great majority, are not in it.
export const sql = `
CREATE INDEX payout_attempts_failed_time ON payout_attempts (finished_at, id, item_id, amount_cents, result_code)
  WHERE state IN ('failed', 'rejected');
`;
