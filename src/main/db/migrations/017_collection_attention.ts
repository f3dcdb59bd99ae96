// A payment request a person should look at: M-Pesa first said the customer did not pay, then that
// they paid. The money is recorded as received; the words say what happened, so a person can talk
// to the customer (who may have paid twice, if they were asked again). NULL: nothing to look at.
// One receipt pays one request at most, whichever door (the app, the command line) writes it.
export const sql = `
ALTER TABLE collection_requests ADD COLUMN attention TEXT;
CREATE UNIQUE INDEX collection_requests_one_receipt ON collection_requests (receipt) WHERE receipt IS NOT NULL;
`;
