import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateChannelKeyPair } from '../../src/relay-server/sealing';
import { startRelay, type RunningRelay } from '../../src/relay-server/server';
import type { StoreChoice } from '../../src/relay-server/open-store';
import { openEvent, post, pull, stopTestPostgres, storeChoiceFor, storeKinds, type TestChannel } from './helpers';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '../../src/relay-server/cli.ts');
// node --import tsx, not the tsx wrapper: one process per command instead of two.
const tsx = process.execPath;
const withTsx = (args: string[]): string[] => ['--import', 'tsx', ...args];

async function relayCliRaw(...args: string[]): Promise<unknown> {
  const { stdout } = await run(tsx, withTsx([cli, ...args]), { env: { ...process.env, RELAY_PUBLIC_URL: '' } });
  return JSON.parse(stdout) as unknown;
}

/** The CLI's flags for the store a relay uses. */
function storeFlags(store: StoreChoice): string[] {
  return store.kind === 'sqlite' ? [] : ['--store', 'postgres', '--database-url', store.databaseUrl!];
}

afterAll(stopTestPostgres);

describe.each(storeKinds)('relay CLI beside a running relay on the %s store', (kind) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-cli-'));
  const keys = generateChannelKeyPair();
  const keyFile = join(dataDir, 'acme.pub.pem');
  const logLines: string[] = [];
  let relay: RunningRelay;
  let store: StoreChoice;
  const relayCli = (...args: string[]): Promise<unknown> => relayCliRaw(...args, ...storeFlags(store));

  beforeAll(async () => {
    store = await storeChoiceFor(kind);
    writeFileSync(keyFile, keys.publicKeyPem);
    const capture = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    relay = await startRelay({ dataDir, port: 0, logger: pino({ level: 'debug' }, capture), storeChoice: store });
  });
  afterAll(async () => {
    await relay.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('adds, lists, rotates and removes channels; the running relay sees each change', { timeout: 60_000 }, async () => {
    const added = (await relayCli(
      'channel',
      'add',
      'acme',
      '--public-key',
      keyFile,
      '--data',
      dataDir,
      '--public-url',
      relay.url,
    )) as { channel: string; callbackBaseUrl: string; pullToken: string };
    expect(added.channel).toBe('acme');
    expect(added.callbackBaseUrl).toMatch(new RegExp(`^${relay.url}/hooks/acme/[0-9a-f]{64}$`));
    expect(added.pullToken).toMatch(/^[0-9a-f]{64}$/);
    const channel = { ...added, privateKeyPem: keys.privateKeyPem };

    expect((await post(`${added.callbackBaseUrl}/b2c-result`, '{"first":1}')).status).toBe(200);
    const listed = (await relayCli('channel', 'list', '--data', dataDir)) as Array<Record<string, string>>;
    expect(listed.map((c) => c.channel)).toEqual(['acme']);
    expect(JSON.stringify(listed)).not.toContain(added.pullToken);

    // Channels filed under owners: an operator with many employers lists one employer's.
    await relayCli(
      'channel',
      'add',
      'globex-payroll',
      '--owner',
      'Globex Ltd',
      '--public-key',
      keyFile,
      '--data',
      dataDir,
      '--public-url',
      relay.url,
    );
    await relayCli(
      'channel',
      'add',
      'globex-shop',
      '--owner',
      'Globex Ltd',
      '--public-key',
      keyFile,
      '--data',
      dataDir,
      '--public-url',
      relay.url,
    );
    const globex = (await relayCli('channel', 'list', '--owner', 'Globex Ltd', '--data', dataDir)) as Array<
      Record<string, string>
    >;
    expect(globex.map((c) => [c.channel, c.owner])).toEqual([
      ['globex-payroll', 'Globex Ltd'],
      ['globex-shop', 'Globex Ltd'],
    ]);
    expect(((await relayCli('channel', 'list', '--data', dataDir)) as unknown[]).length).toBe(3);

    const rotated = (await relayCli('channel', 'rotate', 'acme', '--data', dataDir, '--public-url', relay.url)) as {
      channel: string;
      callbackBaseUrl: string;
      pullToken: string;
    };
    expect(rotated.pullToken).not.toBe(added.pullToken);
    expect((await post(`${added.callbackBaseUrl}/b2c-result`, '{"old":1}')).status).toBe(404);
    expect((await pull(relay.url, added.pullToken)).status).toBe(401);
    expect((await post(`${rotated.callbackBaseUrl}/b2c-result`, '{"new":1}')).status).toBe(200);
    const page = await pull(relay.url, rotated.pullToken);
    expect(page.events.map((e) => openEvent(channel, e).body)).toEqual(['{"first":1}', '{"new":1}']);

    expect(await relayCli('channel', 'remove', 'acme', '--data', dataDir)).toEqual({ removed: 'acme' });
    expect((await post(`${rotated.callbackBaseUrl}/b2c-result`, '{"gone":1}')).status).toBe(404);
    expect((await pull(relay.url, rotated.pullToken)).status).toBe(401);

    const logs = logLines.join('');
    expect(logs).toContain('callback stored');
    for (const secret of [
      added.callbackBaseUrl.split('/').at(-1)!,
      rotated.callbackBaseUrl.split('/').at(-1)!,
      added.pullToken,
      rotated.pullToken,
      '"first"',
      '"new"',
    ]) {
      expect(logs).not.toContain(secret);
    }
  });

  // Checked before any store is touched: once is enough.
  if (kind === 'sqlite')
    it('refuses a key that is not X25519, a name Safaricom would refuse, and an owner with stray spaces', async () => {
      writeFileSync(join(dataDir, 'bad.pem'), 'nonsense');
      const flags = storeFlags(store);
      await expect(
        run(
          tsx,
          withTsx([
            cli,
            'channel',
            'add',
            'shop',
            '--public-key',
            join(dataDir, 'bad.pem'),
            '--data',
            dataDir,
            '--public-url',
            relay.url,
            ...flags,
          ]),
        ),
      ).rejects.toMatchObject({ code: 2 });
      await expect(
        run(
          tsx,
          withTsx([
            cli,
            'channel',
            'add',
            'sql-shop',
            '--public-key',
            keyFile,
            '--data',
            dataDir,
            '--public-url',
            relay.url,
            ...flags,
          ]),
        ),
      ).rejects.toMatchObject({ code: 2 });
      await expect(
        run(
          tsx,
          withTsx([
            cli,
            'channel',
            'add',
            'shop',
            '--owner',
            ' padded ',
            '--public-key',
            keyFile,
            '--data',
            dataDir,
            '--public-url',
            relay.url,
            ...flags,
          ]),
        ),
      ).rejects.toMatchObject({
        code: 2,
        stderr: 'owner: 1-100 printable characters, no leading or trailing spaces\n',
      });
    });
});

describe('relay channel rules beside a running relay', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-cli-rules-'));
  let relay: RunningRelay;
  let channel: TestChannel;

  beforeAll(async () => {
    relay = await startRelay({ dataDir, port: 0, logger: pino({ level: 'silent' }) });
    const keys = generateChannelKeyPair();
    channel = { ...(await relay.addChannel('acme', keys.publicKeyPem)), privateKeyPem: keys.privateKeyPem };
  });
  afterAll(async () => {
    await relay.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  let transaction = 0;
  const validate = async (fields: Record<string, string>): Promise<unknown> => {
    transaction += 1;
    const body = {
      TransactionType: 'Pay Bill',
      TransID: `TK${transaction}`,
      TransTime: '20260301101500',
      TransAmount: '150.00',
      BusinessShortCode: '600984',
      BillRefNumber: 'AC123',
      MSISDN: '2547 ***** 126',
      ...fields,
    };
    return (await post(`${channel.callbackBaseUrl}/c2b-validation`, JSON.stringify(body))).json;
  };
  const refusal = (...args: string[]): Promise<{ code: number; stderr: string }> =>
    run(tsx, withTsx([cli, 'channel', 'rules', ...args, '--data', dataDir])).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );

  // Each step runs the CLI as its own process: slow on a busy machine.
  it(
    'sets, lists and clears rules; the running relay answers by them without a restart',
    { timeout: 60_000 },
    async () => {
      expect(await validate({ TransAmount: '150.00' })).toEqual({ ResultCode: '0', ResultDesc: 'Accepted' });
      const set = await relayCliRaw(
        'channel',
        'rules',
        'acme',
        '--data',
        dataDir,
        '--shortcodes',
        '600984, 600985',
        '--account-pattern',
        'AC\\d{3}',
        '--min-amount',
        '10',
        '--max-amount',
        '100',
      );
      expect(set).toEqual({
        channel: 'acme',
        c2bRules: { shortcodes: ['600984', '600985'], accountPattern: 'AC\\d{3}', minAmount: 10, maxAmount: 100 },
      });
      expect(await validate({ TransAmount: '150.00' })).toEqual({ ResultCode: 'C2B00013', ResultDesc: 'Rejected' });
      expect(await validate({ TransAmount: '100.00', BusinessShortCode: '600985' })).toEqual({
        ResultCode: '0',
        ResultDesc: 'Accepted',
      });
      expect(await relayCliRaw('channel', 'list', '--data', dataDir)).toEqual([
        {
          channel: 'acme',
          createdAt: expect.any(String),
          owner: null,
          c2bRules: (set as { c2bRules: unknown }).c2bRules,
        },
      ]);

      // The rules given replace the channel's rules: no shortcode or amount rule is left.
      expect(await relayCliRaw('channel', 'rules', 'acme', '--data', dataDir, '--account-pattern', 'EMP\\d+')).toEqual({
        channel: 'acme',
        c2bRules: { accountPattern: 'EMP\\d+' },
      });
      expect(await validate({ BillRefNumber: 'AC123' })).toEqual({ ResultCode: 'C2B00012', ResultDesc: 'Rejected' });
      expect(await validate({ BillRefNumber: 'EMP9', TransAmount: '150000.00', BusinessShortCode: '111111' })).toEqual({
        ResultCode: '0',
        ResultDesc: 'Accepted',
      });

      expect(await relayCliRaw('channel', 'rules', 'acme', '--data', dataDir, '--clear')).toEqual({
        channel: 'acme',
        c2bRules: null,
      });
      expect(await validate({ BillRefNumber: 'AC123' })).toEqual({ ResultCode: '0', ResultDesc: 'Accepted' });
      expect(await relayCliRaw('channel', 'list', '--data', dataDir)).toEqual([
        { channel: 'acme', owner: null, createdAt: expect.any(String), c2bRules: null },
      ]);
    },
  );

  it(
    'refuses invalid rules with a message naming the problem, and keeps the rules it had',
    { timeout: 60_000 },
    async () => {
      await relayCliRaw('channel', 'rules', 'acme', '--data', dataDir, '--max-amount', '500');
      const refusals = await Promise.all([
        refusal('acme', '--account-pattern', 'AC(\\d+'),
        refusal('acme', '--min-amount', '500', '--max-amount', '100'),
        refusal('acme', '--shortcodes', '600984,60098x'),
        refusal('acme', '--min-amount', '1.50'),
        refusal('acme'),
        refusal('acme', '--clear', '--max-amount', '100'),
        refusal('nobody', '--max-amount', '100'),
      ]);
      expect(refusals).toEqual([
        {
          code: 2,
          stderr: expect.stringMatching(
            /^C2B rules for acme: accountPattern: is not a regular expression the relay can match in linear time .*missing closing \)/,
          ),
        },
        { code: 2, stderr: 'C2B rules for acme: minAmount 500 is above maxAmount 100\n' },
        { code: 2, stderr: 'C2B rules for acme: shortcodes: "60098x" is not a shortcode (digits only, at most 10)\n' },
        { code: 2, stderr: '--min-amount must be a whole number of shillings, got "1.50"\n' },
        { code: 2, stderr: expect.stringContaining('at least one rule is needed') },
        { code: 2, stderr: '--clear removes the rules: give it alone\n' },
        { code: 2, stderr: 'no channel nobody\n' },
      ]);
      expect(await relayCliRaw('channel', 'list', '--data', dataDir)).toEqual([
        { channel: 'acme', owner: null, createdAt: expect.any(String), c2bRules: { maxAmount: 500 } },
      ]);
      expect(await validate({ TransAmount: '500.01' })).toEqual({ ResultCode: 'C2B00013', ResultDesc: 'Rejected' });
    },
  );
});
