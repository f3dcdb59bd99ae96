// Setting a profile up through the contract: credentials to the keychain and back only as hints;
// the connection test says plainly which step failed (login, balance query, answer's way back).
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay } from '../../../src/relay-server/server';
import { defaultCredentials, startSimulator, type RunningSimulator } from '../../../src/simulator';
import { openCore } from '../../../src/main/handlers';
import { testConnection } from '../../../src/main/setup/connection-test';
import { certificateEvidence, certificateStanding } from '../../../src/main/setup/certificate-evidence';
import { certificateInfo } from '../../../src/main/daraja/certificate';
import { createProfile } from '../../../src/main/profiles';
import { MemorySecretStore } from '../../../src/main/secrets/memory-store';
import { testApi, type TestApi } from './helpers';

const credentials = {
  consumerKey: 'sandbox-consumer-key-7c1e3f2a',
  consumerSecret: 'sandbox-consumer-secret-99d0b4e1',
  initiatorPassword: 'Initiator-Pass-2026!',
  stkPasskey: 'stk-passkey-0f3b8c2d9e',
};

describe('a sandbox profile through the contract', () => {
  let t: TestApi;
  beforeAll(async () => {
    // No balance query on open: this test never reaches Safaricom's sandbox over the internet.
    t = await testApi({ balanceOnOpen: false });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('keeps the credentials in the keychain and answers only masked hints', async () => {
    const created = await t.call('profiles.create', {
      kind: 'sandbox',
      name: 'acme-sandbox',
      shortcode: '600000',
      initiatorName: 'acmeapi',
      credentials,
    });
    expect(created).toMatchObject({
      name: 'acme-sandbox',
      kind: 'sandbox',
      current: true,
      baseUrl: 'https://sandbox.safaricom.co.ke',
    });
    expect(created.credentials).toEqual({
      consumerKey: '••••3f2a',
      consumerSecret: '••••b4e1',
      initiatorPassword: '••••026!',
      stkPasskey: '••••2d9e',
    });
    expect(await t.secrets.get('acme-sandbox', 'consumer-secret')).toBe(credentials.consumerSecret);

    const listed = JSON.stringify(await t.call('profiles.list', {}));
    for (const secret of Object.values(credentials)) expect(listed).not.toContain(secret);
  });

  it('replaces one credential and keeps the others', async () => {
    const updated = await t.call('profiles.updateCredentials', {
      name: 'acme-sandbox',
      consumerSecret: 'a-brand-new-secret-1234',
    });
    expect(updated.credentials).toMatchObject({ consumerKey: '••••3f2a', consumerSecret: '••••1234' });
    expect(await t.secrets.get('acme-sandbox', 'consumer-key')).toBe(credentials.consumerKey);
  });

  it('refuses a second profile of the same name, leaving the first as it was', async () => {
    await expect(
      t.call('profiles.create', {
        kind: 'production',
        name: 'acme-sandbox',
        shortcode: '600001',
        initiatorName: 'x',
        credentials,
      }),
    ).rejects.toThrow(/already exists/);
    expect(await t.secrets.get('acme-sandbox', 'consumer-key')).toBe(credentials.consumerKey);
  });

  it('shows the bundled sandbox certificate with its fingerprint, and loads another', async () => {
    const bundled = await t.call('certificate.info', {});
    expect(bundled).toMatchObject({ source: 'bundled-sandbox', fileName: null });
    // Expired in 2016, yet Daraja accepts it: no evidence either way yet, so no warning.
    expect(bundled).toMatchObject({ usableNow: false, standing: 'expired_untested', lastRefusedAt: null });
    expect(bundled.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    await expect(
      t.call('certificate.load', {
        fileName: 'notes.cer',
        contentBase64: Buffer.from('not a certificate').toString('base64'),
      }),
    ).rejects.toThrow();

    const simulator = await startSimulator({ seed: 3 });
    try {
      const loaded = await t.call('certificate.load', {
        fileName: 'safaricom.cer',
        contentBase64: Buffer.from(simulator.certificatePem).toString('base64'),
      });
      expect(loaded).toMatchObject({ source: 'file', fileName: 'daraja-certificate.cer' });
      expect(loaded.fingerprintSha256).not.toBe(bundled.fingerprintSha256);
    } finally {
      await simulator.close();
    }
  });

  it('has no relay yet, and gives the channel public key to set one up', async () => {
    expect(await t.call('relay.get', {})).toMatchObject({ mode: 'not_set_up', connected: false });
    const { publicKeyPem } = await t.call('relay.publicKey', {});
    expect(publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(await t.secrets.has('acme-sandbox', 'channel-private-key')).toBe(true);
    await expect(
      t.call('relay.connect', {
        how: 'registration',
        url: 'https://relay.example.com',
        registrationJson: '{"channel":1}',
      }),
    ).rejects.toThrow(/paste everything `channel add` printed/);
  });

  it('connects to its relay in one step with the admin token, and switches callbacks to it', async () => {
    const relayDir = await mkdtemp(join(tmpdir(), 'mshahara-relay-'));
    const adminToken = 'relay-admin-token-for-this-test-only';
    const relay = await startRelay({
      dataDir: relayDir,
      port: 0,
      host: '127.0.0.1',
      allowlist: null,
      adminToken,
      rateLimit: { hooksPerMinute: null, pullPerMinute: null },
    });
    try {
      const view = await t.call('relay.connect', {
        how: 'admin_token',
        url: relay.url,
        adminToken,
        channelName: 'acme',
      });
      expect(view).toMatchObject({ mode: 'remote', url: relay.url, connected: true });
      expect(view.channel).toBeTruthy();
      // The admin token is used once and kept nowhere; the pull token and callback address are secrets.
      expect(JSON.stringify(await t.call('profiles.list', {}))).not.toContain(adminToken);
      expect(await t.secrets.has('acme-sandbox', 'relay-token')).toBe(true);
      expect(t.api.session.require().source.callbackUrl('b2c-result').startsWith(relay.url)).toBe(true);
    } finally {
      await t.api.session.close();
      await relay.close();
      await rm(relayDir, { recursive: true, force: true });
    }
  });
});

describe('setup.testConnection', () => {
  let simulator: RunningSimulator;
  const dataRoot = join(tmpdir(), `mshahara-connection-${process.pid}`);
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 5, faults: { callbackDelayMs: { min: 10, max: 30 } } });
    createProfile(
      {
        name: 'lab',
        kind: 'custom',
        baseUrl: simulator.baseUrl,
        shortcode: defaultCredentials.shortcode,
        initiatorName: defaultCredentials.initiatorName,
        certificate: 'simulator',
      },
      dataRoot,
    );
  });
  afterAll(async () => {
    await simulator?.close();
    await rm(dataRoot, { recursive: true, force: true });
  });

  async function labCore(consumerSecret: string, initiatorPassword = defaultCredentials.initiatorPassword) {
    const secrets = new MemorySecretStore();
    await secrets.set('lab', 'consumer-key', defaultCredentials.consumerKey);
    await secrets.set('lab', 'consumer-secret', consumerSecret);
    await secrets.set('lab', 'initiator-password', initiatorPassword);
    return openCore('lab', { dataRoot, secrets });
  }

  it('says nothing was checked when M-Pesa cannot be reached, never that the keys passed', async () => {
    // A port nobody listens on: the same as no network, or a host that does not answer.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const root = await mkdtemp(join(tmpdir(), 'mshahara-unreachable-'));
    createProfile(
      {
        name: 'nowhere',
        kind: 'custom',
        baseUrl: `http://127.0.0.1:${port}`,
        shortcode: '600000',
        initiatorName: 'madeup',
        certificate: 'bundled-sandbox',
      },
      root,
    );
    const secrets = new MemorySecretStore();
    await secrets.set('nowhere', 'consumer-key', 'made-up-key');
    await secrets.set('nowhere', 'consumer-secret', 'made-up-secret');
    await secrets.set('nowhere', 'initiator-password', 'made-up-password');
    const core = await openCore('nowhere', { dataRoot: root, secrets });
    try {
      const result = await testConnection(core, 1_000);
      expect(result.ok).toBe(false);
      expect(result.host).toBe(`http://127.0.0.1:${port}`);
      expect(result.steps.map((s) => s.status)).toEqual(['failed', 'not_checked', 'not_checked']);
      expect(result.failure).toBe(`Could not reach M-Pesa at http://127.0.0.1:${port}: nothing was checked.`);
      expect(JSON.stringify(result)).not.toMatch(/accepted|passed/i);
    } finally {
      await core.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('passes every step when login, query and answer all work', async () => {
    const core = await labCore(defaultCredentials.consumerSecret);
    try {
      const result = await testConnection(core, 5_000);
      expect(result).toMatchObject({ ok: true, failure: null });
      // The answer that proved the initiator is also the certificate's evidence.
      const evidence = certificateEvidence(core.db);
      expect(evidence).toMatchObject({ lastRefusedAt: null });
      expect(evidence.lastAcceptedAt).not.toBeNull();
      expect(certificateStanding(certificateInfo(simulator.certificatePem), evidence)).toBe('valid');
      expect(result.steps.map((s) => [s.step, s.status])).toEqual([
        ['token', 'passed'],
        ['balance_query', 'passed'],
        ['callback', 'passed'],
      ]);
    } finally {
      await core.close();
    }
  });

  it('says the login failed when the consumer secret is wrong', async () => {
    const core = await labCore('not-the-secret');
    try {
      const result = await testConnection(core, 5_000);
      expect(result.ok).toBe(false);
      expect(result.steps.map((s) => s.status)).toEqual(['failed', 'not_checked', 'not_checked']);
      expect(result.failure).toMatch(/^Mshahara could not log in to Daraja: .*consumer key and secret/);
    } finally {
      await core.close();
    }
  });

  it('says the answer never came back when callbacks are lost', async () => {
    const core = await labCore(defaultCredentials.consumerSecret);
    simulator.setFaults({ dropCallback: 1 });
    try {
      const result = await testConnection(core, 1_000);
      // Without its answer nothing speaks for the initiator name and password.
      expect(result.steps.map((s) => s.status)).toEqual(['passed', 'not_checked', 'failed']);
      expect(result.failure).toMatch(/did not reach Mshahara within 1 second: this profile has no relay yet/);
    } finally {
      simulator.setFaults({ dropCallback: 0 });
      await core.close();
    }
  });

  it('says the initiator was refused when the balance result is 2001, though the token was granted', async () => {
    const core = await labCore(defaultCredentials.consumerSecret, 'not-the-initiator-password');
    try {
      const result = await testConnection(core, 5_000);
      expect(result.ok).toBe(false);
      expect(result.steps.map((s) => [s.step, s.status])).toEqual([
        ['token', 'passed'],
        ['balance_query', 'failed'],
        ['callback', 'passed'],
      ]);
      expect(result.failure).toMatch(/refused the initiator name or password \(2001/);
      // Only now, on evidence, does the certificate's standing warn.
      const evidence = certificateEvidence(core.db);
      expect(evidence.lastRefusedAt).not.toBeNull();
      expect(certificateStanding(certificateInfo(simulator.certificatePem), evidence)).toBe('refused');
    } finally {
      await core.close();
    }
  });
});
