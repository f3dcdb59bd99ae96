import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { appendAudit, genesisHash, auditEntryHash, verifyAuditChain } from '../../../src/main/ledger/audit';
import { tempFolder } from '../db/temp-folder';

const temp = tempFolder('mshahara-audit-');
const opened: ProfileDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) closeDatabase(db);
});

/** A database with `count` audit entries, ids 1..count. */
function withEntries(count: number): ProfileDatabase {
  const db = openDatabase(temp.path('audit.sqlite'));
  opened.push(db);
  for (let n = 1; n <= count; n += 1) {
    appendAudit(db, {
      actor: 'Amina Mwangi',
      action: 'payroll_item.amount_changed',
      entity: 'payroll_item',
      entityId: n,
      details: { fromCents: 100000 * n, toCents: 100000 * n + 50000 },
    });
  }
  return db;
}

/** Tampering as someone with the file and a SQLite shell would: the append-only triggers dropped first. */
function dropGuards(db: ProfileDatabase): void {
  db.exec('DROP TRIGGER audit_log_append_only_update; DROP TRIGGER audit_log_append_only_delete;');
}

describe('audit log', () => {
  it('chains each entry to the one before and verifies a clean log', () => {
    const db = withEntries(4);
    const rows = db.prepare('SELECT id, prev_hash, hash, entity_id, details FROM audit_log ORDER BY id').all() as {
      id: number;
      prev_hash: string;
      hash: string;
      entity_id: string;
      details: string;
    }[];
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect(rows[0]?.prev_hash).toBe(genesisHash);
    for (let i = 1; i < rows.length; i += 1) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
    expect(rows[1]).toMatchObject({ entity_id: '2', details: '{"fromCents":200000,"toCents":250000}' });
    expect(verifyAuditChain(db)).toEqual({ ok: true, rows: 4 });
  });

  it('verifies an empty log', () => {
    expect(verifyAuditChain(withEntries(0))).toEqual({ ok: true, rows: 0 });
  });

  it('stores details canonically, whatever the key order', () => {
    const db = withEntries(0);
    appendAudit(db, {
      actor: 'system',
      action: 'run.paused',
      entity: 'payroll_run',
      entityId: 7,
      details: { z: 1, a: { y: 2, b: 3 } },
    });
    expect(db.prepare('SELECT details FROM audit_log').get()).toEqual({ details: '{"a":{"b":3,"y":2},"z":1}' });
    expect(verifyAuditChain(db).ok).toBe(true);
  });

  it('detects an edited entry at that entry', () => {
    const db = withEntries(5);
    dropGuards(db);
    db.prepare('UPDATE audit_log SET details = ? WHERE id = 3').run('{"fromCents":300000,"toCents":9999900}');
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 3, reason: expect.stringMatching(/edited/) });
  });

  it('detects an edited actor even when the editor recomputes nothing else', () => {
    const db = withEntries(3);
    dropGuards(db);
    db.prepare("UPDATE audit_log SET actor = 'someone else' WHERE id = 1").run();
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 1 });
  });

  it('detects a forged hash at that entry', () => {
    const db = withEntries(4);
    dropGuards(db);
    db.prepare('UPDATE audit_log SET hash = ? WHERE id = 2').run('f'.repeat(64));
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('detects an entry edited and re-hashed at the entry after it', () => {
    const db = withEntries(4);
    dropGuards(db);
    // A careful forger recomputes the edited entry's own hash; the next entry still points at the old one.
    const row = db
      .prepare('SELECT at, actor, action, entity, entity_id, details, prev_hash FROM audit_log WHERE id = 2')
      .get() as {
      at: string;
      actor: string;
      action: string;
      entity: string;
      entity_id: string;
      details: string;
      prev_hash: string;
    };
    const forgedDetails = { fromCents: 200000, toCents: 2000000 };
    const forgedHash = auditEntryHash(row.prev_hash, {
      at: row.at,
      actor: row.actor,
      action: row.action,
      entity: row.entity,
      entityId: row.entity_id,
      details: forgedDetails,
    });
    db.prepare('UPDATE audit_log SET details = ?, hash = ? WHERE id = 2').run(
      JSON.stringify(forgedDetails),
      forgedHash,
    );
    expect(verifyAuditChain(db)).toMatchObject({
      ok: false,
      brokenAt: 3,
      reason: expect.stringMatching(/does not follow/),
    });
  });

  it('detects a changed link at the entry whose prev_hash was changed', () => {
    const db = withEntries(4);
    dropGuards(db);
    // Change the first hex digit to another one (a hash that already starts with "e" must change too).
    db.exec(
      "UPDATE audit_log SET prev_hash = (CASE WHEN substr(prev_hash, 1, 1) = 'e' THEN 'f' ELSE 'e' END) || substr(prev_hash, 2) WHERE id = 3",
    );
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it('detects a deleted entry at the entry after the gap', () => {
    const db = withEntries(5);
    dropGuards(db);
    db.prepare('DELETE FROM audit_log WHERE id = 3').run();
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringMatching(/missing/) });
  });

  it('detects a deleted first entry', () => {
    const db = withEntries(3);
    dropGuards(db);
    db.prepare('DELETE FROM audit_log WHERE id = 1').run();
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('detects entries deleted from the end', () => {
    const db = withEntries(5);
    dropGuards(db);
    db.prepare('DELETE FROM audit_log WHERE id >= 4').run();
    expect(verifyAuditChain(db)).toMatchObject({
      ok: false,
      brokenAt: 4,
      reason: expect.stringMatching(/missing from the end/),
    });
  });

  it('commits with the caller’s transaction: a rolled-back change leaves no audit entry', () => {
    const db = withEntries(1);
    const approve = db.transaction(() => {
      appendAudit(db, { actor: 'Amina Mwangi', action: 'payroll_run.approved', entity: 'payroll_run', entityId: 1 });
      throw new Error('float too low');
    });
    expect(() => approve()).toThrow('float too low');
    expect(db.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 1 });
    appendAudit(db, { actor: 'Amina Mwangi', action: 'payroll_run.approved', entity: 'payroll_run', entityId: 1 });
    expect(verifyAuditChain(db)).toEqual({ ok: true, rows: 2 });
  });

  it('refuses details that carry a secret and writes nothing', () => {
    const db = withEntries(0);
    expect(() =>
      appendAudit(db, {
        actor: 'admin',
        action: 'credentials.saved',
        entity: 'profile',
        details: { profile: 'sandbox', daraja: { consumerSecret: 'abc123' } },
      }),
    ).toThrow(/must not carry secrets.*consumerSecret/);
    expect(db.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 0 });
  });
});
