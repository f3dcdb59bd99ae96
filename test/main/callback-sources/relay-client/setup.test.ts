// Setting a profile up with a relay: the channel key pair, where each part of the registration is
// kept (secrets in the keychain, never in the database), and the Daraja callback URLs.
import { readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../../src/main/db';
import {
  channelPublicKey,
  darajaCallbackUrls,
  publicKeyOf,
  relayClientFor,
  relaySettings,
  saveChannel,
} from '../../../../src/main/callback-sources/relay-client/setup';
import { KeytarSecretStore } from '../../../../src/main/secrets/keytar-store';
import { MemorySecretStore } from '../../../../src/main/secrets/memory-store';
import { startPrivateKeyring, type PrivateKeyring } from '../../../helpers/keyring';
import { tempFolder } from '../../db/temp-folder';

const temp = tempFolder('mshahara-relay-setup-');
const secret = 'a'.repeat(64);
const pullToken = 'b'.repeat(64);
const registration = {
  channel: 'acme-payroll',
  callbackBaseUrl: `https://relay.example.co.ke/hooks/acme-payroll/${secret}`,
  pullToken,
};

let db: ProfileDatabase;
let file: string;
beforeAll(() => {
  file = temp.path('profile.db');
  db = openDatabase(file);
});
afterAll(() => closeDatabase(db));

describe('channel key pair', () => {
  it('is made once, keeps the private half in the keychain and shows the matching public key', async () => {
    const secrets = new MemorySecretStore();
    const shown = await channelPublicKey(secrets, 'sandbox');
    expect(shown).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const privateKeyPem = await secrets.get('sandbox', 'channel-private-key');
    expect(privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(createPrivateKey(privateKeyPem ?? '').asymmetricKeyType).toBe('x25519');
    expect(publicKeyOf(privateKeyPem ?? '')).toBe(shown);
    // Showing it again must not replace a key the relay already seals to.
    expect(await channelPublicKey(secrets, 'sandbox')).toBe(shown);
    const replaced = await channelPublicKey(secrets, 'sandbox', { replace: true });
    expect(replaced).not.toBe(shown);
    expect(createPublicKey(replaced).asymmetricKeyType).toBe('x25519');
  });
});

describe('saveChannel', () => {
  it('keeps token and callback address in the keychain, only relay and channel in the database', async () => {
    const secrets = new MemorySecretStore();
    await channelPublicKey(secrets, 'sandbox');
    const settings = await saveChannel({
      db,
      secrets,
      profile: 'sandbox',
      relayUrl: 'https://relay.example.co.ke/',
      registration,
    });
    expect(settings).toEqual({ relayUrl: 'https://relay.example.co.ke', channel: 'acme-payroll' });
    expect(relaySettings(db)).toEqual(settings);
    expect(await secrets.get('sandbox', 'relay-token')).toBe(pullToken);
    expect(await secrets.get('sandbox', 'relay-callback-url')).toBe(registration.callbackBaseUrl);

    db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(file).toString('latin1');
    expect(bytes).toContain('acme-payroll');
    expect(bytes).not.toContain(secret);
    expect(bytes).not.toContain(pullToken);
  });

  it('forgets the position on the old relay when the profile moves to another relay, keeps it otherwise', async () => {
    const secrets = new MemorySecretStore();
    await channelPublicKey(secrets, 'sandbox');
    const position = (): string | undefined =>
      db.prepare("SELECT cursor FROM relay_cursor WHERE channel = 'acme-payroll'").pluck().get() as string | undefined;
    await saveChannel({ db, secrets, profile: 'sandbox', relayUrl: 'https://relay.example.co.ke', registration });
    db.prepare(
      "INSERT INTO relay_cursor (channel, cursor) VALUES ('acme-payroll', '4711.00aa11bb22cc33dd') ON CONFLICT (channel) DO UPDATE SET cursor = excluded.cursor",
    ).run();
    // The same relay and channel again (a rotated token): the desktop's place there still holds.
    await saveChannel({
      db,
      secrets,
      profile: 'sandbox',
      relayUrl: 'https://relay.example.co.ke/',
      registration: { ...registration, pullToken: 'c'.repeat(64) },
    });
    expect(position()).toBe('4711.00aa11bb22cc33dd');
    // Another relay with a channel of the same name: its sequence is another one; start from its beginning.
    const moved = { ...registration, callbackBaseUrl: `https://relay2.example.co.ke/hooks/acme-payroll/${secret}` };
    await saveChannel({
      db,
      secrets,
      profile: 'sandbox',
      relayUrl: 'https://relay2.example.co.ke',
      registration: moved,
    });
    expect(position()).toBeUndefined();
  });

  it('builds every Daraja callback URL on the channel', async () => {
    const secrets = new MemorySecretStore();
    await channelPublicKey(secrets, 'sandbox');
    await saveChannel({ db, secrets, profile: 'sandbox', relayUrl: 'https://relay.example.co.ke', registration });
    const client = await relayClientFor(db, secrets, 'sandbox');
    const base = registration.callbackBaseUrl;
    expect(darajaCallbackUrls(client)).toEqual({
      b2cResultUrl: `${base}/b2c-result`,
      b2cQueueTimeoutUrl: `${base}/b2c-timeout`,
      balanceResultUrl: `${base}/balance-result`,
      statusResultUrl: `${base}/status-result`,
      reversalResultUrl: `${base}/reversal-result`,
      queueTimeoutUrl: `${base}/timeout`,
      stkCallbackUrl: `${base}/stk`,
      c2bValidationUrl: `${base}/c2b-validation`,
      c2bConfirmationUrl: `${base}/c2b-confirmation`,
    });
  });

  it('refuses an address Safaricom would refuse, without repeating the secret', async () => {
    const secrets = new MemorySecretStore();
    await channelPublicKey(secrets, 'sandbox');
    const bad = { ...registration, callbackBaseUrl: `https://relay.example.co.ke/hooks/acme-payroll/00exe${secret}` };
    const refusal = saveChannel({
      db,
      secrets,
      profile: 'sandbox',
      relayUrl: 'https://relay.example.co.ke',
      registration: bad,
    });
    await expect(refusal).rejects.toMatchObject({ kind: 'validation', message: expect.stringContaining('"exe"') });
    await expect(refusal).rejects.not.toMatchObject({ message: expect.stringContaining(secret) });
    expect(await secrets.has('sandbox', 'relay-token')).toBe(false);
  });

  it('refuses an address for another channel, and a registration before the key pair exists', async () => {
    const secrets = new MemorySecretStore();
    const other = { ...registration, channel: 'other' };
    await expect(
      saveChannel({ db, secrets, profile: 'sandbox', relayUrl: 'https://relay.example.co.ke', registration }),
    ).rejects.toMatchObject({
      kind: 'validation',
    });
    await channelPublicKey(secrets, 'sandbox');
    await expect(
      saveChannel({ db, secrets, profile: 'sandbox', relayUrl: 'https://relay.example.co.ke', registration: other }),
    ).rejects.toMatchObject({ kind: 'validation' });
  });
});

describe('with the real OS keychain', () => {
  let keyring: PrivateKeyring;
  beforeAll(async () => {
    keyring = await startPrivateKeyring();
  });
  afterAll(async () => {
    await keyring?.stop();
  });

  it('sets a profile up and builds its relay client from the keychain alone', async () => {
    const secrets = new KeytarSecretStore();
    const shown = await channelPublicKey(secrets, 'production');
    await saveChannel({ db, secrets, profile: 'production', relayUrl: 'https://relay.example.co.ke', registration });
    const fresh = new KeytarSecretStore();
    expect(publicKeyOf((await fresh.get('production', 'channel-private-key')) ?? '')).toBe(shown);
    const client = await relayClientFor(db, fresh, 'production');
    expect(client.callbackUrl('stk')).toBe(`${registration.callbackBaseUrl}/stk`);
    await expect(relayClientFor(db, fresh, 'sandbox')).rejects.toMatchObject({ kind: 'not_found' });
  });
});
