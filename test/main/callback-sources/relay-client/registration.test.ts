// One-step setup against the real relay with its admin token, and demo mode's in-process relay:
// in both, a callback posted to the URLs the profile hands Daraja lands in the profile's inbox.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../../src/main/db';
import { relayCursor } from '../../../../src/main/callback-sources/inbox/store';
import { startDemoRelay } from '../../../../src/main/callback-sources/relay-client/demo';
import {
  channelPublicKey,
  darajaCallbackUrls,
  registerProfileChannel,
  relayClientFor,
  relaySettings,
  saveRegistrationJson,
} from '../../../../src/main/callback-sources/relay-client/setup';
import { MemorySecretStore } from '../../../../src/main/secrets/memory-store';
import { startRelay } from '../../../../src/relay-server/server';
import { b2cResultBody, postCallback, seqOf, storedCount } from './harness';

const root = mkdtempSync(join(tmpdir(), 'mshahara-relay-setup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const stkBody = JSON.stringify({
  Body: {
    stkCallback: {
      MerchantRequestID: '29115-34620561-1',
      CheckoutRequestID: 'ws_CO_191220191020363925',
      ResultCode: 1032,
      ResultDesc: 'Request cancelled by user',
    },
  },
});

describe('registerProfileChannel', () => {
  it('registers in one step with the admin token; Daraja callbacks then reach the inbox', async () => {
    const adminToken = 'admin-'.padEnd(40, 'x');
    const relay = await startRelay({
      dataDir: join(root, 'relay'),
      port: 0,
      allowlist: null,
      adminToken,
      rateLimit: { hooksPerMinute: null, pullPerMinute: null },
    });
    const db = openDatabase(join(root, 'profile.db'));
    const secrets = new MemorySecretStore();
    try {
      await expect(
        registerProfileChannel({
          db,
          secrets,
          profile: 'sandbox',
          relayUrl: relay.url,
          adminToken: 'wrong',
          channelName: 'acme',
        }),
      ).rejects.toMatchObject({ kind: 'unavailable', status: 401 });
      expect(relaySettings(db)).toBeNull();

      const settings = await registerProfileChannel({
        db,
        secrets,
        profile: 'sandbox',
        relayUrl: relay.url,
        adminToken,
        channelName: 'acme',
      });
      expect(settings).toEqual({ relayUrl: relay.url, channel: 'acme' });
      // The relay seals to the key the profile keeps.
      const stored = await relay.store.channel('acme');
      expect(stored?.publicKeyPem.trim()).toBe((await channelPublicKey(secrets, 'sandbox')).trim());

      const client = await relayClientFor(db, secrets, 'sandbox', { retry: { baseMs: 5, maxMs: 50 } });
      const urls = darajaCallbackUrls(client);
      const told = storedCount((l) => client.onStored(l), 2);
      await client.start();
      try {
        expect(await postCallback(urls.b2cResultUrl.replace(/\/b2c-result$/, ''), 'b2c-result', b2cResultBody(1))).toBe(
          200,
        );
        const stk = await fetch(urls.stkCallbackUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: stkBody,
        });
        expect(stk.status).toBe(200);
        await told;
      } finally {
        await client.stop();
      }
      const rows = db.prepare('SELECT kind, body FROM inbox ORDER BY id').all();
      expect(rows).toEqual([
        { kind: 'b2c-result', body: b2cResultBody(1) },
        { kind: 'stk', body: stkBody },
      ]);

      // A name the relay refuses comes back in the relay's own words.
      await expect(
        registerProfileChannel({
          db,
          secrets,
          profile: 'production',
          relayUrl: relay.url,
          adminToken,
          channelName: 'mpesa-pay',
        }),
      ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('mpesa') });
    } finally {
      closeDatabase(db);
      await relay.close();
    }
  });
});

describe('saveRegistrationJson', () => {
  it('takes what `relay channel add` printed for the public key the profile showed', async () => {
    const dataDir = join(root, 'manual-relay');
    const db = openDatabase(join(root, 'manual.db'));
    const secrets = new MemorySecretStore();
    try {
      const keyFile = join(root, 'acme.pub.pem');
      writeFileSync(keyFile, await channelPublicKey(secrets, 'production'));
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/relay-server/cli.ts',
          'channel',
          'add',
          'acme',
          '--public-key',
          keyFile,
          '--data',
          dataDir,
          '--public-url',
          'https://relay.example.co.ke',
        ],
        { cwd: process.cwd() },
      );

      await expect(
        saveRegistrationJson({
          db,
          secrets,
          profile: 'production',
          relayUrl: 'https://relay.example.co.ke',
          registrationJson: stdout.slice(0, 60),
        }),
      ).rejects.toMatchObject({ kind: 'validation', message: expect.not.stringContaining('pullToken":') });
      const pullToken = (JSON.parse(stdout) as { pullToken: string }).pullToken;
      const garbled = stdout.replace(/"callbackBaseUrl": "[^"]*"/, '"callbackBaseUrl": "nowhere"');
      const refusal = saveRegistrationJson({
        db,
        secrets,
        profile: 'production',
        relayUrl: 'https://relay.example.co.ke',
        registrationJson: garbled,
      });
      await expect(refusal).rejects.toMatchObject({
        kind: 'validation',
        message: expect.stringContaining('callbackBaseUrl'),
      });
      await expect(refusal).rejects.toMatchObject({ message: expect.not.stringContaining(pullToken) });

      const settings = await saveRegistrationJson({
        db,
        secrets,
        profile: 'production',
        relayUrl: 'https://relay.example.co.ke',
        registrationJson: stdout,
      });
      expect(settings).toEqual({ relayUrl: 'https://relay.example.co.ke', channel: 'acme' });
      expect(await secrets.get('production', 'relay-token')).toBe(pullToken);
      const client = await relayClientFor(db, secrets, 'production');
      expect(client.callbackUrl('b2c-result')).toMatch(
        /^https:\/\/relay\.example\.co\.ke\/hooks\/acme\/[0-9a-f]{64}\/b2c-result$/,
      );
    } finally {
      closeDatabase(db);
    }
  });
});

describe('startDemoRelay', () => {
  it('carries demo callbacks through a real loopback relay; a new start never reuses the old cursor', async () => {
    const dataDir = join(root, 'demo-data');
    const db = openDatabase(join(root, 'demo.db'));
    try {
      const first = await startDemoRelay(dataDir);
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const client = first.client(db);
      const told = storedCount((l) => client.onStored(l), 3);
      await client.start();
      for (const n of [1, 2, 3])
        expect(await postCallback(first.callbackBaseUrl, 'b2c-result', b2cResultBody(n))).toBe(200);
      await told;
      await client.stop();
      await first.stop();
      expect(seqOf(relayCursor(db, first.channel))).toBe('3');
      expect(await first.secrets.get('demo', 'relay-callback-url')).toBe(first.callbackBaseUrl);

      // Next start: empty relay, new channel; event 1 of the new relay must not be skipped.
      const second = await startDemoRelay(dataDir);
      expect(second.channel).not.toBe(first.channel);
      const again = second.client(db);
      const toldAgain = storedCount((l) => again.onStored(l), 1);
      await again.start();
      expect(
        await postCallback(
          again.callbackUrl('b2c-result').replace(/\/b2c-result$/, ''),
          'b2c-result',
          b2cResultBody(4),
        ),
      ).toBe(200);
      await toldAgain;
      await again.stop();
      await second.stop();
      expect(db.prepare('SELECT count(*) FROM inbox').pluck().get()).toBe(4);
    } finally {
      closeDatabase(db);
    }
  });
});
