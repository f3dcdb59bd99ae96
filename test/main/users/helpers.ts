// A fresh profile database per test, and the audit entries it holds, for the users domain's tests.
import { afterEach } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { tempFolder } from '../db/temp-folder';

const temp = tempFolder('mshahara-users-');
const opened: ProfileDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) closeDatabase(db);
});

export function freshDatabase(): { db: ProfileDatabase; file: string } {
  const file = temp.path('profile.sqlite');
  const db = openDatabase(file);
  opened.push(db);
  return { db, file };
}

export interface AuditSeen {
  actor: string;
  action: string;
  entityId: string | null;
  details: Record<string, unknown>;
}

export function auditEntries(db: ProfileDatabase, prefix = 'account.'): AuditSeen[] {
  return (
    db
      .prepare('SELECT actor, action, entity_id, details FROM audit_log WHERE action LIKE ? ORDER BY id')
      .all(`${prefix}%`) as { actor: string; action: string; entity_id: string | null; details: string }[]
  ).map((row) => ({
    actor: row.actor,
    action: row.action,
    entityId: row.entity_id,
    details: JSON.parse(row.details) as Record<string, unknown>,
  }));
}

/** A first admin "root" with a known password, the usual start of every test. */
export const adminPassword = 'baobab under the stars';
