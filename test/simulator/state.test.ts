// The simulator's ground truth in a state file: a restart keeps what M-Pesa paid, the used
// OriginatorConversationIDs, balances and receipts, and processes what it had accepted. Demo
// profiles keep it in simulator.sqlite in the profile's folder.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectToDaraja, demoSimulatorStateFile } from '../../src/main/composition/daraja-connection';
import { profileDefaults } from '../../src/main/profiles';
import { formatDarajaTime } from '../../src/shared/time';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index';
import { DarajaCaller, resultOf, startReceiver, type CallbackReceiver } from './helpers';

const folder = mkdtempSync(join(tmpdir(), 'mshahara-simulator-state-'));
const running: Array<{ close(): Promise<void> }> = [];
let fileNumber = 0;

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function start(
  statePath: string | null,
  options: SimulatorOptions = {},
): Promise<{ simulator: RunningSimulator; daraja: DarajaCaller }> {
  const simulator = await startSimulator({
    seed: 21,
    ...(statePath === null ? {} : { statePath }),
    ...options,
    faults: { callbackDelayMs: { min: 0, max: 2 }, ...options.faults },
  });
  running.push(simulator);
  return { simulator, daraja: new DarajaCaller(simulator) };
}

function newStatePath(): string {
  fileNumber += 1;
  return join(folder, `state-${fileNumber}.sqlite`);
}

async function withReceiver(): Promise<CallbackReceiver> {
  const receiver = await startReceiver();
  running.push(receiver);
  return receiver;
}

const b2c = '/mpesa/b2c/v3/paymentrequest';

describe('simulator state file', () => {
  it('after a restart refuses a same-ID re-send as a duplicate, lists the payment once, and keeps balances and failures', async () => {
    const statePath = newStatePath();
    const receiver = await withReceiver();
    const first = await start(statePath, { faults: { failPayee: 1 } });
    const pay = (
      daraja: DarajaCaller,
      id: string,
      phone = '254708374149',
    ): Promise<{ status: number; body: Record<string, unknown> }> =>
      daraja.post(b2c, daraja.b2cRequest(receiver, { OriginatorConversationID: id, PartyB: phone, Amount: '700' }));
    // fail-payee at 1: the first payment to a payee fails for good; the second (new ID) is paid.
    expect((await pay(first.daraja, 'run-1-attempt-1')).status).toBe(200);
    expect((await pay(first.daraja, 'run-1-attempt-2')).status).toBe(200);
    await first.simulator.callbacksIdle();
    const paid = first.simulator.payments();
    const failed = first.simulator.failures();
    const balances = first.simulator.balances();
    expect(paid.map((p) => p.originatorConversationId)).toEqual(['run-1-attempt-2']);
    expect(failed.map((f) => [f.originatorConversationId, f.party])).toEqual([['run-1-attempt-1', '254708374149']]);
    expect(balances.utilityCents).toBeLessThan(5_000_000_00);
    await first.simulator.close();

    const second = await start(statePath, { faults: { failPayee: 1 } });
    expect(second.simulator.payments()).toEqual(paid);
    expect(second.simulator.failures()).toEqual(failed);
    expect(second.simulator.balances()).toEqual(balances);
    expect(
      second.simulator
        .originatorIds()
        .map((c) => c.id)
        .sort(),
    ).toEqual(['run-1-attempt-1', 'run-1-attempt-2']);
    for (const id of ['run-1-attempt-1', 'run-1-attempt-2']) {
      const again = await pay(second.daraja, id);
      expect(again.status).toBe(500);
      expect(again.body.errorCode).toBe('500.002.1001');
    }
    // The payee's first payment is long done: a new ID pays again, with a receipt never seen before.
    const next = await pay(second.daraja, 'run-2-attempt-1');
    expect(next.status).toBe(200);
    await second.simulator.callbacksIdle();
    const after = second.simulator.payments();
    expect(after.map((p) => p.originatorConversationId)).toEqual(['run-1-attempt-2', 'run-2-attempt-1']);
    expect(after[1]?.receipt).not.toBe(after[0]?.receipt);
    expect(after[1]?.conversationId).not.toBe(after[0]?.conversationId);
    expect(second.simulator.balances().utilityCents).toBe(balances.utilityCents - 700_00);
    expect(second.simulator.failures()).toEqual(failed);
  });

  it('processes after a restart what it accepted before, once, and sends its Result', async () => {
    const statePath = newStatePath();
    const receiver = await withReceiver();
    const first = await start(statePath, { faults: { processingLagMs: { min: 300, max: 300 } } });
    const answer = await first.daraja.post(
      b2c,
      first.daraja.b2cRequest(receiver, {
        OriginatorConversationID: 'accepted-then-closed',
        ResultURL: receiver.url('/restart/result'),
      }),
    );
    expect(answer.status).toBe(200);
    expect(first.simulator.pendingPayments()).toBe(1);
    await first.simulator.close();
    expect(first.simulator.payments()).toEqual([]);

    const second = await start(statePath);
    const [callback] = await receiver.waitFor(1, '/restart/result');
    const result = resultOf(callback?.body);
    expect(result).toMatchObject({
      ResultCode: 0,
      OriginatorConversationID: 'accepted-then-closed',
      ConversationID: answer.body.ConversationID,
    });
    await second.simulator.callbacksIdle();
    expect(second.simulator.payments().map((p) => p.originatorConversationId)).toEqual(['accepted-then-closed']);
    expect(second.simulator.pendingPayments()).toBe(0);
    await second.simulator.close();

    const third = await start(statePath);
    await third.simulator.callbacksIdle();
    expect(third.simulator.payments()).toHaveLength(1);
    expect(receiver.received.filter((c) => c.path === '/restart/result')).toHaveLength(1);
  });

  it('keeps collections and their reversals: a collection made before a restart is reversed once after it', async () => {
    const statePath = newStatePath();
    const receiver = await withReceiver();
    const first = await start(statePath);
    const timestamp = formatDarajaTime(new Date());
    const c = first.simulator.credentials;
    await first.daraja.post('/mpesa/stkpush/v1/processrequest', {
      BusinessShortCode: c.stkShortcode,
      Password: first.daraja.stkPassword(timestamp),
      Timestamp: timestamp,
      TransactionType: 'CustomerPayBillOnline',
      Amount: '150',
      PartyA: '254705912645',
      PartyB: c.stkShortcode,
      PhoneNumber: '254705912645',
      CallBackURL: receiver.url('/stk'),
      AccountReference: 'INV-22',
      TransactionDesc: 'Invoice 22',
    });
    const [stk] = await receiver.waitFor(1, '/stk');
    const items = (
      stk?.body as { Body: { stkCallback: { CallbackMetadata: { Item: Array<{ Name: string; Value?: unknown }> } } } }
    ).Body.stkCallback.CallbackMetadata.Item;
    const receipt = String(items.find((i) => i.Name === 'MpesaReceiptNumber')?.Value);
    await first.simulator.callbacksIdle();
    const collected = first.simulator.balances();
    expect(collected.utilityCents).toBe(5_000_000_00 + 150_00);
    await first.simulator.close();

    const second = await start(statePath);
    expect(second.simulator.balances()).toEqual(collected);
    const reverse = async (path: string): Promise<Record<string, unknown>> => {
      await second.daraja.post(
        '/mpesa/reversal/v1/request',
        second.daraja.queryRequest('reversal', receiver, { TransactionID: receipt, ResultURL: receiver.url(path) }),
      );
      const [callback] = await receiver.waitFor(1, path);
      return resultOf(callback?.body);
    };
    expect((await reverse('/rev/1')).ResultCode).toBe(0);
    expect((await reverse('/rev/2')).ResultCode).toBe('R000001');
    expect(second.simulator.balances().utilityCents).toBe(5_000_000_00);
    await second.simulator.close();
    const third = await start(statePath);
    expect(third.simulator.balances().utilityCents).toBe(5_000_000_00);
  });

  it('refuses a second simulator on a state file in use, naming the file', async () => {
    const statePath = newStatePath();
    await start(statePath);
    await expect(start(statePath)).rejects.toThrow(
      new RegExp(`${statePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use`),
    );
  });

  it('refuses a state file of another layout instead of misreading it', async () => {
    const statePath = newStatePath();
    const other = new Database(statePath);
    other.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    other.pragma('user_version = 7');
    other.close();
    await expect(start(statePath)).rejects.toThrow(/another version of the simulator \(layout 7, expected 1\)/);
  });

  it('keeps everything in memory without a state file', async () => {
    const receiver = await withReceiver();
    const { simulator, daraja } = await start(null);
    await daraja.post(b2c, daraja.b2cRequest(receiver, { OriginatorConversationID: 'memory-1' }));
    await simulator.callbacksIdle();
    expect(simulator.payments()).toHaveLength(1);
    await simulator.close();
    const fresh = await start(null);
    expect(fresh.simulator.payments()).toEqual([]);
  });
});

describe('demo profile', () => {
  it("keeps the in-process simulator's ground truth in simulator.sqlite in the profile's folder", async () => {
    const profileFolder = join(folder, 'profiles', 'demo');
    const profile = profileDefaults({ name: 'demo', kind: 'demo' });
    const secrets = (): never => {
      throw new Error('a demo profile needs no secrets');
    };
    const receiver = await withReceiver();
    const first = await connectToDaraja(profile, { profileFolder, secrets, simulator: { seed: 3 } });
    const simulator = first.simulator;
    if (!simulator) throw new Error('demo started no simulator');
    running.push(simulator);
    expect(existsSync(join(profileFolder, demoSimulatorStateFile))).toBe(true);
    const daraja = new DarajaCaller(simulator);
    expect((await daraja.post(b2c, daraja.b2cRequest(receiver, { OriginatorConversationID: 'demo-1' }))).status).toBe(
      200,
    );
    await simulator.callbacksIdle();
    await simulator.close();

    const second = await connectToDaraja(profile, { profileFolder, secrets, simulator: { seed: 3 } });
    const again = second.simulator;
    if (!again) throw new Error('demo started no simulator');
    running.push(again);
    expect(again.payments().map((p) => p.originatorConversationId)).toEqual(['demo-1']);
    const retry = new DarajaCaller(again);
    expect(
      (await retry.post(b2c, retry.b2cRequest(receiver, { OriginatorConversationID: 'demo-1' }))).body.errorCode,
    ).toBe('500.002.1001');
  });
});
