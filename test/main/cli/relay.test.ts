// `relay` on the command line against a real relay: the channel key, registration in one step or by
// pasting what `channel add` printed, and `pay` and `balance` receiving their callbacks through the
// relay once it is set up — nothing on a loopback port.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../src/main/db';
import { profileDatabasePath } from '../../../src/main/profiles';
import { startRelay, type RunningRelay } from '../../../src/relay-server/server';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { payrollLines, writePayrollCsv } from '../../crash/payroll-file';
import { cli, freshDataFolderEachTest, payApproved, seedCliPeople, signedIn } from './cli-helpers';

const adminToken = 'relay-admin-for-cli-tests';
let simulator: RunningSimulator;
let relay: RunningRelay;
let relayDir: string;

beforeAll(async () => {
  simulator = await startSimulator({ seed: 23, openRegistry: true, faults: { callbackDelayMs: { min: 5, max: 30 } } });
  relayDir = mkdtempSync(join(tmpdir(), 'mshahara-cli-relay-'));
  relay = await startRelay({
    dataDir: relayDir,
    port: 0,
    allowlist: null,
    adminToken,
    rateLimit: { hooksPerMinute: null, pullPerMinute: null },
  });
});
afterAll(async () => {
  await relay.close();
  await simulator.close();
  rmSync(relayDir, { recursive: true, force: true });
});
const folder = freshDataFolderEachTest();

const run = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  cli(argv, { secrets: folder.secrets, env: { ...signedIn, ...env } });
/** The admin of the test people (test/helpers/people.ts): only an admin connects the relay. */
const admin = ['--user', 'wanjiru'];

function inboxSources(): Record<string, number> {
  const db = openDatabase(profileDatabasePath('demo', folder.dataDir));
  try {
    const rows = db.prepare('SELECT source, count(*) AS n FROM inbox GROUP BY source').all() as Array<{
      source: string;
      n: number;
    }>;
    return Object.fromEntries(rows.map((r) => [r.source, r.n]));
  } finally {
    closeDatabase(db);
  }
}

describe('relay on the command line', () => {
  it('registers in one step with the admin token; pay and balance then get every callback through the relay', async () => {
    expect((await run(['init', '--profile', 'demo', '--kind', 'demo', '--base-url', simulator.baseUrl])).code).toBe(0);
    expect((await run(['relay', 'show'])).out).toContain('no relay');
    await seedCliPeople();

    const registered = await run(['relay', 'register', '--relay-url', relay.url, '--name', 'acme-cli', ...admin], {
      MSHAHARA_RELAY_ADMIN_TOKEN: adminToken,
    });
    expect(registered.err).toBe('');
    expect(registered.out).not.toContain((await folder.secrets.get('demo', 'relay-token')) ?? 'no token');
    expect(registered.code).toBe(0);
    const channel = (await relay.store.channels()).find((c) => c.id === 'acme-cli');
    expect(channel).toBeDefined();
    expect((await run(['relay', 'show'])).out).toBe(
      `Callbacks come through the relay at ${relay.url}, channel acme-cli.\n`,
    );
    // What the relay knows as the channel key is the public half of the key in this profile's keychain.
    expect(channel?.publicKeyPem).toBe((await run(['relay', 'key'])).out);
    // The admin token is used once and kept nowhere; pull token and channel secret only in the keychain.
    expect(await folder.secrets.has('demo', 'relay-token')).toBe(true);
    expect(registered.out).not.toContain(adminToken);

    const lines = payrollLines(6, 611);
    const file = join(folder.dataDir, 'payroll.csv');
    writePayrollCsv(file, lines);
    const paid = await payApproved(run, [file, '--base-url', simulator.baseUrl, '--rate', '50']);
    expect(paid.code).toBe(0);
    expect(paid.out).toContain('6 of 6 paid');
    const phones = new Set(lines.map((l) => l.phone));
    expect(simulator.payments().filter((p) => phones.has(p.party))).toHaveLength(6);

    const balance = await run(['balance', '--base-url', simulator.baseUrl, '--json', '--user', 'amina']);
    expect(balance.code).toBe(0);
    expect((JSON.parse(balance.out) as Array<{ account: string }>).map((a) => a.account)).toContain('Utility Account');

    // Six results and one balance answer, all through the relay channel, none on loopback.
    const sources = inboxSources();
    expect(Object.keys(sources)).toEqual(['relay:acme-cli']);
    expect(sources['relay:acme-cli']).toBeGreaterThanOrEqual(7);
  });

  it('keeps what `channel add` printed, from a file or stdin, for the key `relay key` showed', async () => {
    await seedCliPeople();
    const publicKey = (await run(['relay', 'key'])).out;
    expect(publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect((await run(['relay', 'key'])).out).toBe(publicKey);
    const printed = await relay.addChannel('acme-pasted', publicKey);
    const file = join(folder.dataDir, 'channel.json');
    writeFileSync(file, JSON.stringify(printed));

    const saved = await run(['relay', 'save', '--relay-url', relay.url, file, ...admin]);
    expect(saved.code).toBe(0);
    expect(saved.out).toContain('channel acme-pasted');
    expect(await folder.secrets.get('demo', 'relay-callback-url')).toBe(printed.callbackBaseUrl);
    expect(await folder.secrets.get('demo', 'relay-token')).toBe(printed.pullToken);

    // Piped in instead (`-`): the same, for a channel the operator added again.
    const again = await relay.addChannel('acme-piped', publicKey);
    const piped = await cli(['relay', 'save', '--relay-url', relay.url, '-', ...admin], {
      secrets: folder.secrets,
      env: signedIn,
      stdin: JSON.stringify(again),
    });
    expect(piped.code).toBe(0);
    expect(piped.out).toContain('channel acme-piped');
    expect(await folder.secrets.get('demo', 'relay-token')).toBe(again.pullToken);

    // Pull token and channel secret live in the keychain only: not in what was printed, not in the database.
    const secretOf = (url: string): string => url.split('/').at(-1) ?? '';
    const path = profileDatabasePath('demo', folder.dataDir);
    const database = Buffer.concat([path, `${path}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
    expect(database.includes(Buffer.from('acme-piped'))).toBe(true); // the channel id is kept there
    for (const value of [
      printed.pullToken,
      again.pullToken,
      secretOf(printed.callbackBaseUrl),
      secretOf(again.callbackBaseUrl),
    ]) {
      expect(value.length).toBeGreaterThan(20);
      expect(saved.out + piped.out + saved.err + piped.err).not.toContain(value);
      expect(database.includes(Buffer.from(value))).toBe(false);
    }
  });

  it('says what is missing: the relay address, the admin token, a readable registration', async () => {
    await seedCliPeople();
    const noUrl = await run(['relay', 'register', ...admin]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.err).toContain('--relay-url');

    const noToken = await run(['relay', 'register', '--relay-url', relay.url, ...admin]);
    expect(noToken.code).toBe(1);
    expect(noToken.err).toContain('MSHAHARA_RELAY_ADMIN_TOKEN');

    const wrongToken = await run(['relay', 'register', '--relay-url', relay.url, ...admin], {
      MSHAHARA_RELAY_ADMIN_TOKEN: 'guess',
    });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.err).not.toContain('guess');

    await run(['relay', 'key']);
    const garbled = join(folder.dataDir, 'garbled.json');
    writeFileSync(garbled, '{"channel": "x", "pullToken": "t0k3n-secret"}');
    const refused = await run(['relay', 'save', '--relay-url', relay.url, garbled, ...admin]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('callbackBaseUrl');
    expect(refused.err).not.toContain('t0k3n-secret');
    expect((await run(['relay', 'show'])).out).toContain('no relay');
    expect((await run(['relay', 'frobnicate'])).code).toBe(2);
  });
});
