// How each audit entry is sealed. NULL: sha256(prev_hash + entry), as every entry was before the
// profile had an audit key. 'hmac-sha256': HMAC-SHA256 under the profile's audit key, kept only in
// the OS keychain, so someone who edits the file cannot seal a rebuilt chain (src/main/ledger/audit.ts).
export const sql = `
ALTER TABLE audit_log ADD COLUMN hash_kind TEXT CHECK (hash_kind IS NULL OR hash_kind = 'hmac-sha256');
`;
