// Secrets live in the OS keychain only (docs/architecture.md#the-data). This test keeps a profile's credentials in a
// real keyring, uses them for every kind of Daraja call — including ones that fail and produce
// error messages — with logging at its most verbose into the data folder, stores every callback
// in the profile database, and then reads every byte written under the data folder looking for
// the secrets. A positive control proves the scan would find one.
import { createWriteStream } from 'node:fs';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { DarajaClient } from '../../../src/main/daraja';
import { KeytarSecretStore } from '../../../src/main/secrets/keytar-store';
import type { SecretName } from '../../../src/main/secrets/secret-store';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { storeCallbacks } from '../../../src/main/callback-sources/inbox/store';
import { configureLogging } from '../../../src/main/log';
import { startPrivateKeyring, type PrivateKeyring } from '../../helpers/keyring';
import { startCallbackReceiver, type CallbackReceiver } from '../daraja/callback-receiver';

const profile = 'scan-check';
const unique = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const secrets: Record<
  Exclude<SecretName, 'relay-token' | 'channel-private-key' | 'relay-callback-url' | 'audit-key'>,
  string
> = {
  'consumer-key': unique('ck'),
  'consumer-secret': unique('cs'),
  'initiator-password': `Pw#${randomBytes(9).toString('hex')}`,
  'stk-passkey': unique('pk'),
};

let keyring: PrivateKeyring;
let sim: RunningSimulator;
let receiver: CallbackReceiver;
let dataDir: string;
let db: ProfileDatabase;

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? filesUnder(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]),
    ),
  );
  return nested.flat();
}

/** Which of `needles` appear, as text or base64, in any file under `dir`. */
async function secretsFoundUnder(dir: string, needles: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const file of await filesUnder(dir)) {
    const bytes = await readFile(file);
    for (const needle of needles) {
      const forms = [Buffer.from(needle, 'utf8'), Buffer.from(Buffer.from(needle).toString('base64'))];
      if (forms.some((form) => bytes.includes(form))) found.add(`${needle} in ${file}`);
    }
  }
  return [...found];
}

beforeAll(async () => {
  keyring = await startPrivateKeyring();
  dataDir = await mkdtemp(join(tmpdir(), 'mshahara-scan-'));
  await mkdir(join(dataDir, 'logs'));
  await mkdir(join(dataDir, 'profiles', profile), { recursive: true });

  sim = await startSimulator({
    port: 0,
    seed: 7,
    credentials: {
      consumerKey: secrets['consumer-key'],
      consumerSecret: secrets['consumer-secret'],
      initiatorPassword: secrets['initiator-password'],
      passkey: secrets['stk-passkey'],
    },
    faults: { callbackDelayMs: { min: 0, max: 5 } },
  });
  receiver = await startCallbackReceiver();
  const store = new KeytarSecretStore();
  for (const [name, value] of Object.entries(secrets)) await store.set(profile, name as SecretName, value);
  db = openDatabase(join(dataDir, 'profiles', profile, 'mshahara.db'));
});

afterAll(async () => {
  configureLogging({ level: 'silent' });
  if (db) closeDatabase(db);
  await receiver?.close();
  await sim?.close();
  await keyring?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('what Mshahara writes', () => {
  it('never contains a secret kept in the keychain', async () => {
    const logFile = join(dataDir, 'logs', 'mshahara.log');
    const logStream = createWriteStream(logFile);
    configureLogging({ level: 'trace', destination: logStream });

    const store = new KeytarSecretStore();
    const read = async (name: SecretName) => (await store.get(profile, name)) ?? '';
    const config = {
      name: profile,
      baseUrl: sim.baseUrl,
      consumerKey: await read('consumer-key'),
      consumerSecret: await read('consumer-secret'),
      shortcode: sim.credentials.shortcode,
      initiatorName: sim.credentials.initiatorName,
      initiatorPassword: await read('initiator-password'),
      certificatePem: sim.certificatePem,
      stkShortcode: sim.credentials.stkShortcode,
      passkey: await read('stk-passkey'),
    };
    const client = new DarajaClient(config);
    const urls = { resultUrl: receiver.url('/b2c-result'), queueTimeoutUrl: receiver.url('/b2c-timeout') };
    const outcomes: unknown[] = [];
    outcomes.push(
      await client.b2cPayment({
        originatorConversationId: 'scan-1',
        commandId: 'SalaryPayment',
        amountCents: 1_500_00,
        party: '254705912645',
        remarks: 'November pay',
        ...urls,
      }),
      await client.accountBalance(urls),
      await client.transactionStatus({ originatorConversationId: 'scan-1', ...urls }),
      await client.stkPush({
        phone: '254705912641',
        amountCents: 10_00,
        accountReference: 'Loan 1',
        callbackUrl: receiver.url('/stk'),
      }),
      // Failures produce messages that reach logs and screens.
      await client.b2cPayment({
        originatorConversationId: 'scan-1',
        commandId: 'SalaryPayment',
        amountCents: 1_500_00,
        party: '254705912645',
        remarks: 'Duplicate',
        ...urls,
      }),
    );
    const wrongSecret = new DarajaClient({ ...config, consumerSecret: `${config.consumerSecret}x` });
    outcomes.push(await wrongSecret.accountBalance(urls));
    const wrongPassword = new DarajaClient({ ...config, initiatorPassword: `${config.initiatorPassword}x` });
    outcomes.push(
      await wrongPassword.b2cPayment({
        originatorConversationId: 'scan-2',
        commandId: 'SalaryPayment',
        amountCents: 100_00,
        party: '254705912645',
        remarks: 'Wrong password',
        ...urls,
      }),
    );
    await Promise.all([client.close(), wrongSecret.close(), wrongPassword.close()]);

    // The engine would store every callback in the inbox; do the same for all that arrived.
    await receiver.waitFor('/b2c-result', (body) => JSON.stringify(body).includes('scan-2'));
    storeCallbacks(
      db,
      receiver.received.map((callback, i) => ({
        eventId: `scan-${i}`,
        kind: callback.path === '/stk' ? 'stk' : 'b2c-result',
        receivedAt: new Date(),
        source: 'test',
        sourceIp: '127.0.0.1',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(callback.body),
      })),
    );
    // What a screen would show, kept as the app keeps error reports.
    await writeFile(join(dataDir, 'logs', 'outcomes.json'), JSON.stringify(outcomes, null, 2));
    await new Promise<void>((resolve) => logStream.end(resolve));
    configureLogging({ level: 'silent' });

    expect(outcomes.map((o) => (o as { kind: string }).kind)).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'accepted',
      'duplicate',
      'definitive',
      'accepted',
    ]);
    // Every call was logged (so the log was really written and scanned).
    expect((await readFile(logFile, 'utf8')).trim().split('\n').length).toBeGreaterThanOrEqual(outcomes.length);
    expect(await secretsFoundUnder(dataDir, Object.values(secrets))).toEqual([]);
  });

  it('would notice a secret if one were written (the scan is not blind)', async () => {
    const canaryDir = await mkdtemp(join(tmpdir(), 'mshahara-canary-'));
    try {
      await writeFile(
        join(canaryDir, 'leak.log'),
        `{"msg":"calling","auth":"${Buffer.from(secrets['consumer-secret']).toString('base64')}"}`,
      );
      await writeFile(join(canaryDir, 'other.txt'), `password=${secrets['initiator-password']}`);
      const found = await secretsFoundUnder(canaryDir, Object.values(secrets));
      expect(found).toHaveLength(2);
    } finally {
      await rm(canaryDir, { recursive: true, force: true });
    }
  });
});
