// A payment request a person should look at: M-Pesa first said the customer did not pay, then that
// they paid. The money is recorded as received; the words say what happened, so a person can talk
// to the customer (who may have paid twice, if they were asked again). NULL: nothing to look at.
export const sql = `
ALTER TABLE collection_requests ADD COLUMN attention TEXT;
`;
