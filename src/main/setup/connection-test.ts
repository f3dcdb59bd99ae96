// The connection test: each step says only what was verified. A token granted by the profile's
// Daraja host proves the consumer key and secret; an Account Balance result with ResultCode 0 proves
// the initiator name and password; that result arriving through the profile's own callback route
// proves callbacks reach Mshahara. Anything not proven is "failed" (with the evidence against it)
// or "not_checked" (no evidence either way), never "passed".
import type { MethodOutput } from '../../shared/contract';
import type { DarajaError } from '../../shared/errors';
import { inboxRow, type InboxRow } from '../callback-sources/inbox/entries';
import { relaySettings } from '../callback-sources/relay-client/setup';
import { parseCallback } from '../daraja/callbacks';
import { askAccountBalance } from '../payroll/engine/balance-query';
import type { ProfileCore } from '../handlers/context';
import { connectToDaraja } from '../composition/daraja-connection';
import { DarajaClient } from '../daraja';
import type { ProfileSettings } from '../profiles';
import type { SecretStore } from '../secrets/secret-store';

export type ConnectionTestResult = MethodOutput<'setup.testConnection'>;
type StepName = ConnectionTestResult['steps'][number]['step'];
type StepStatus = ConnectionTestResult['steps'][number]['status'];
type Step = [status: StepStatus, message: string];

export const connectionTestWaitMs = 30_000;

/** Codes that say the request never got an answer from the host: the network, not M-Pesa. */
export function isNetworkFailure(error: DarajaError): boolean {
  return (error.code ?? '').startsWith('network.');
}

/** The callback routes a profile's answers may arrive through, as the inbox names them. */
function routeName(core: ProfileCore): 'relay' | 'loopback' {
  if (core.demoRelay !== undefined) return 'relay';
  const route = (core.source as { route?: unknown }).route;
  return route === 'relay' ? 'relay' : 'loopback';
}

function sourceWords(source: string): string {
  return source.startsWith('relay') ? 'the relay' : 'the loopback receiver on this computer';
}

function resultCodeOf(row: InboxRow): { code: string; description: string } | null {
  const parsed = parseCallback(row.body, row.kind);
  if (!parsed.ok || parsed.event.type !== 'balance-result') return null;
  return { code: parsed.event.resultCode, description: parsed.event.resultDesc };
}

function build(
  token: Step,
  initiator: Step,
  callback: Step,
  failure: string | null,
  host: string,
): ConnectionTestResult {
  const step = (name: StepName, [status, message]: Step) => ({ step: name, status, message });
  return {
    ok: failure === null && token[0] === 'passed' && initiator[0] === 'passed' && callback[0] === 'passed',
    host,
    steps: [step('token', token), step('balance_query', initiator), step('callback', callback)],
    failure,
  };
}

export async function testConnection(core: ProfileCore, waitMs = connectionTestWaitMs): Promise<ConnectionTestResult> {
  const host = core.client.origin;
  const notChecked: Step = ['not_checked', 'Not checked.'];

  // 1. A token from this host, or nothing is known.
  const token = await core.client.accessToken();
  if (!token.ok) {
    const error = token.outcome.error;
    if (isNetworkFailure(error)) {
      const message = `Could not reach M-Pesa at ${host}: nothing was checked.`;
      const unreachable: Step = ['not_checked', 'M-Pesa could not be reached.'];
      return build(['failed', message], unreachable, unreachable, message, host);
    }
    return build(
      ['failed', `M-Pesa at ${host} did not grant a token: ${error.message}`],
      ['not_checked', 'Not checked: without a token nothing else can be asked.'],
      notChecked,
      `Mshahara could not log in to Daraja: ${error.message}`,
      host,
    );
  }
  const tokenOk: Step = ['passed', `M-Pesa at ${host} granted a token: it accepted the consumer key and secret.`];

  // 2. An Account Balance request: only its result (ResultCode 0) speaks for the initiator.
  const answer = await askAccountBalance(core, { remarks: 'Mshahara connection test', waitMs });
  if (answer.kind === 'refused') {
    const error = answer.error;
    if (isNetworkFailure(error)) {
      const message = `Could not reach M-Pesa at ${host} with the balance query: the initiator name and password were not checked.`;
      return build(tokenOk, ['not_checked', message], notChecked, message, host);
    }
    return build(
      tokenOk,
      ['failed', `M-Pesa refused the balance query: ${error.message}`],
      notChecked,
      `M-Pesa refused the balance query: ${error.message}`,
      host,
    );
  }
  if (answer.kind === 'no_answer') {
    const noRelay = core.demoRelay === undefined && relaySettings(core.db) === null;
    const seconds = Math.round(waitMs / 1000);
    const within = `within ${seconds} second${seconds === 1 ? '' : 's'}`;
    const message = noRelay
      ? `M-Pesa took the balance query, but its answer did not reach Mshahara ${within}: this profile has no relay yet, so M-Pesa cannot reach this computer. Set up the relay, then test again.`
      : `M-Pesa took the balance query, but its answer did not reach Mshahara ${within}. Check the relay address, that the relay is reachable from the internet over HTTPS, and that it is running.`;
    return build(
      tokenOk,
      [
        'not_checked',
        'M-Pesa took the balance query; the initiator name and password are checked only by its answer, which did not come.',
      ],
      ['failed', message],
      message,
      host,
    );
  }

  const row = inboxRow(core.db, answer.inboxId);
  if (row === undefined) return build(tokenOk, notChecked, notChecked, 'The answer could not be read.', host);
  const expected = routeName(core);
  const arrivedThrough = row.source.startsWith('relay') ? 'relay' : 'loopback';
  const callback: Step =
    arrivedThrough === expected
      ? ['passed', `M-Pesa's answer reached Mshahara through ${sourceWords(row.source)}.`]
      : ['failed', `M-Pesa's answer came through ${sourceWords(row.source)}, not this profile's own route.`];
  const result = resultCodeOf(row);
  if (result === null) {
    const reason = row.reason ?? 'M-Pesa answered, but not with a balance.';
    return build(tokenOk, ['not_checked', reason], callback, `M-Pesa did not give the balance: ${reason}`, host);
  }
  if (result.code !== '0') {
    const refused = result.code === '2001';
    const message = refused
      ? `M-Pesa refused the initiator name or password (${result.code}: ${result.description}).`
      : `M-Pesa answered the balance query with ${result.code}: ${result.description}.`;
    return build(tokenOk, ['failed', message], callback, message, host);
  }
  const initiatorOk: Step = [
    'passed',
    `M-Pesa answered the balance query (ResultCode 0): it accepted the initiator name and password.`,
  ];
  return build(tokenOk, initiatorOk, callback, callback[0] === 'passed' ? null : callback[1], host);
}

/**
 * The test of a profile that is not open (one just added in Settings): only its consumer key and
 * secret can be proven without opening it, by a token from its host. The initiator and the
 * answers' way back are tested once the admin switches to it.
 */
export async function testProfileToken(profile: ProfileSettings, secrets: SecretStore): Promise<ConnectionTestResult> {
  const connection = await connectToDaraja(profile, { secrets: () => secrets });
  const client = new DarajaClient(connection.config);
  const host = client.origin;
  const later: Step = [
    'not_checked',
    'Not checked: switch to this profile and test again to check the initiator and the answers’ way back.',
  ];
  try {
    const token = await client.accessToken();
    if (token.ok)
      return build(
        ['passed', `M-Pesa at ${host} granted a token: it accepted the consumer key and secret.`],
        later,
        later,
        null,
        host,
      );
    const error = token.outcome.error;
    if (isNetworkFailure(error)) {
      const message = `Could not reach M-Pesa at ${host}: nothing was checked.`;
      const unreachable: Step = ['not_checked', 'M-Pesa could not be reached.'];
      return build(['failed', message], unreachable, unreachable, message, host);
    }
    return build(
      ['failed', `M-Pesa at ${host} did not grant a token: ${error.message}`],
      later,
      later,
      `Mshahara could not log in to Daraja: ${error.message}`,
      host,
    );
  } finally {
    await client.close();
  }
}
