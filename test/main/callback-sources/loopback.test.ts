// The loopback callback route: stores before it answers, refuses unknown kinds and huge bodies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { LoopbackReceiver, loopbackBodyLimitBytes } from '../../../src/main/callback-sources/loopback';
import { tempFolder } from '../db/temp-folder';

const folder = tempFolder('mshahara-loopback-');
let db: ProfileDatabase;
let receiver: LoopbackReceiver;
const notified: number[][] = [];

beforeAll(async () => {
  db = openDatabase(folder.path('profile.sqlite'));
  receiver = new LoopbackReceiver(db);
  await receiver.start();
  receiver.onStored((ids) => notified.push(ids));
});

afterAll(async () => {
  await receiver.stop();
  closeDatabase(db);
});

describe('LoopbackReceiver', () => {
  it('stores the raw body in the inbox, then answers Accepted and tells its listeners', async () => {
    const url = receiver.callbackUrl('b2c-result');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hooks\/b2c-result$/);
    const body = '{"Result":{"ResultCode":0,"note":"kept byte for byte"}}';
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer secret-token' },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
    const rows = db.prepare('SELECT id, kind, body, source, source_ip, headers, applied FROM inbox').all() as Array<{
      id: number;
      kind: string;
      body: string;
      source: string;
      source_ip: string;
      headers: string;
      applied: number;
    }>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'b2c-result', body, source: 'loopback', applied: 0 });
    expect(rows[0]!.source_ip).toMatch(/127\.0\.0\.1/);
    expect(rows[0]!.headers).not.toContain('secret-token');
    expect(notified).toEqual([[rows[0]!.id]]);
  });

  it('answers 404 for a kind Daraja never posts and stores nothing', async () => {
    const before = (db.prepare('SELECT COUNT(*) AS n FROM inbox').get() as { n: number }).n;
    const base = receiver.callbackUrl('b2c-result').replace('/hooks/b2c-result', '');
    for (const path of ['/hooks/mpesa', '/hooks/', '/other/b2c-result']) {
      const response = await fetch(`${base}${path}`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(404);
    }
    expect((db.prepare('SELECT COUNT(*) AS n FROM inbox').get() as { n: number }).n).toBe(before);
  });

  it('refuses a body over 1 MiB without storing it', async () => {
    const before = (db.prepare('SELECT COUNT(*) AS n FROM inbox').get() as { n: number }).n;
    const response = await fetch(receiver.callbackUrl('status-result'), {
      method: 'POST',
      body: 'x'.repeat(loopbackBodyLimitBytes + 1),
    });
    expect(response.status).toBe(413);
    expect((db.prepare('SELECT COUNT(*) AS n FROM inbox').get() as { n: number }).n).toBe(before);
  });
});
