// 009_audit_hash_kind: entries written before it keep their plain sha256 and still verify; the
// column takes only the one keyed seal Mshahara writes.
import { describe, expect, it } from 'vitest';
import { closeDatabase, migrateTo, openDatabase } from '../../../src/main/db';
import { appendAudit, auditEntryHash, genesisHash, verifyAuditChain } from '../../../src/main/ledger/audit';
import { tempFolder } from './temp-folder';

const temp = tempFolder();

describe('009_audit_hash_kind', () => {
  it('8 → 9: entries written before it are plain sha256 and still verify; an unknown seal is refused', () => {
    const db = openDatabase(temp.path('009.sqlite'), { applyMigrations: false });
    try {
      migrateTo(db, 8);
      // Two entries as version 8 wrote them: sha256(prev_hash + canonical JSON), no hash_kind column.
      const insert = db.prepare(
        'INSERT INTO audit_log (at, actor, action, entity, entity_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      let prevHash = genesisHash;
      for (const [at, id] of [
        ['2026-11-27T07:00:00.000Z', '1'],
        ['2026-11-28T07:00:00.000Z', '2'],
      ] as const) {
        const row = {
          at,
          actor: 'owner',
          action: 'worker.archived',
          entity: 'worker',
          entityId: id,
          details: { n: 1 },
        };
        const hash = auditEntryHash(prevHash, row);
        insert.run(at, row.actor, row.action, row.entity, id, '{"n":1}', prevHash, hash);
        prevHash = hash;
      }
      expect(migrateTo(db, 9).applied).toEqual(['009_audit_hash_kind']);
      expect(db.prepare('SELECT hash_kind FROM audit_log ORDER BY id').all()).toEqual([
        { hash_kind: null },
        { hash_kind: null },
      ]);
      expect(verifyAuditChain(db)).toEqual({ ok: true, rows: 2 });
      appendAudit(db, { actor: 'owner', action: 'profile.opened', entity: 'profile' });
      expect(verifyAuditChain(db)).toEqual({ ok: true, rows: 3 });
      db.exec('DROP TRIGGER audit_log_append_only_update');
      expect(() => db.prepare("UPDATE audit_log SET hash_kind = 'sha1' WHERE id = 1").run()).toThrow(/CHECK/);
    } finally {
      closeDatabase(db);
    }
  });
});
