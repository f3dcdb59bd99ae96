// Saving the sending settings on a demo profile: the running engine takes the new rate and
// concurrency, and nothing restarts: the same simulator keeps what it paid and its float, the same
// relay keeps delivering, the same open profile keeps serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askAccountBalance } from '../../../src/main/payroll/engine/balance-query';
import { latestFloat } from '../../../src/main/payroll/float';
import type { PayoutEngine } from '../../../src/main/payroll/engine';
import { loadProfile } from '../../../src/main/profiles';
import { testApi, type TestApi } from './helpers';

let t: TestApi;
beforeAll(async () => {
  t = await testApi({ balanceOnOpen: false });
  await t.call('profiles.create', { kind: 'demo' });
});
afterAll(async () => {
  await t?.stop();
});

async function utilityFloat(): Promise<number | null> {
  const core = t.api.session.require();
  const answer = await askAccountBalance(core, { remarks: 'Float check in a test', waitMs: 5_000 });
  expect(answer.kind).toBe('answered');
  return latestFloat(core.db).utilityAvailableCents;
}

describe('saving the sending settings on a demo profile', () => {
  it('keeps the demo running: the same simulator, its float after a payment, the same relay', async () => {
    const before = t.api.session.require();
    const { demoSimulatorUrl } = await t.call('app.info', {});
    const opening = await utilityFloat();
    expect(opening).not.toBeNull();

    // A payment moves the demo's float down (straight to the simulator: the float is what matters).
    const paid = await before.client.b2cPayment({
      originatorConversationId: 'settings-save-test-1',
      commandId: 'BusinessPayment',
      amountCents: 250_000,
      party: '254708374149',
      remarks: 'Float test',
      resultUrl: before.source.callbackUrl('b2c-result'),
      queueTimeoutUrl: before.source.callbackUrl('timeout'),
    });
    expect(paid.kind).toBe('accepted');
    await expect.poll(async () => utilityFloat(), { timeout: 5_000 }).toBeLessThan(opening ?? 0);
    const afterPayment = await utilityFloat();

    const saved = await t.call('settings.update', {
      sendRatePerSecond: 7,
      concurrency: 3,
      amountLimits: { maxCents: 5_000_000 },
    });
    expect(saved).toMatchObject({ sendRatePerSecond: 7, concurrency: 3 });

    const after = t.api.session.require();
    // Not reopened: the very same profile, engine, simulator and relay.
    expect(after).toBe(before);
    expect((await t.call('app.info', {})).demoSimulatorUrl).toBe(demoSimulatorUrl);
    expect(after.demoRelay).toEqual(before.demoRelay);
    // The float M-Pesa reports is the one after the payment, not a fresh demo's.
    expect(await utilityFloat()).toBe(afterPayment);
    // The running engine obeys the new settings, and the next start reads them from profile.json.
    const engine = after.engine as PayoutEngine;
    expect(engine.concurrency).toBe(3);
    expect(engine.currentRate).toBeLessThanOrEqual(7);
    expect(loadProfile('demo', t.dataRoot)).toMatchObject({ sendRatePerSecond: 7, concurrency: 3 });
    expect((await t.call('settings.get', {})).amountLimits.maxCents).toBe(5_000_000);
  });
});
