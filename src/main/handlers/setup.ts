// Contract handlers for setting a profile up: the connection test (token, balance query, answer
// through the relay), the certificate, the relay channel, and the settings an officer may tune.
import type { CertificateView, MethodOutput, RelayView } from '../../shared/contract';
import { ValidationError } from '../../shared/errors';
import { bundledCertificatePath, certificateInfo, loadCertificate, type CertificateInfo } from '../daraja/certificate';
import type { ContractHandlers } from '../transports/dispatch';
import { lastRelayCallbackAt } from '../callback-sources/inbox/entries';
import { amountLimits, saveAmountLimits } from '../payroll/amount-limits';
import { saveProfile, type ProfileSettings } from '../profiles';
import {
  channelPublicKey,
  registerProfileChannel,
  relaySettings,
  saveRegistrationJson,
} from '../callback-sources/relay-client/setup';
import { queryBalance } from './balance';
import type { ApiContext, ProfileCore } from './context';
import { storeCertificate } from './profiles';

type TestResult = MethodOutput<'setup.testConnection'>;
type Step = [status: 'passed' | 'failed' | 'skipped', message: string];
const connectionTestWaitMs = 30_000;

export async function testConnection(core: ProfileCore, waitMs = connectionTestWaitMs): Promise<TestResult> {
  const answer = await queryBalance(core, 'Mshahara connection test', waitMs);
  const result = (token: Step, query: Step, callback: Step, failure: string | null): TestResult => ({
    ok: failure === null,
    steps: [
      { step: 'token', status: token[0], message: token[1] },
      { step: 'balance_query', status: query[0], message: query[1] },
      { step: 'callback', status: callback[0], message: callback[1] },
    ],
    failure,
  });
  const tokenOk: Step = ['passed', 'M-Pesa accepted the consumer key and secret.'];
  switch (answer.kind) {
    case 'refused': {
      const message = answer.error.message;
      if (answer.tokenFailed)
        return result(
          ['failed', message],
          ['skipped', 'Not tried: no login.'],
          ['skipped', 'Not tried.'],
          `Mshahara could not log in to Daraja: ${message}`,
        );
      return result(
        tokenOk,
        ['failed', message],
        ['skipped', 'Not tried.'],
        `M-Pesa refused the balance query: ${message}`,
      );
    }
    case 'no_answer': {
      const noRelay = core.demoRelay === undefined && relaySettings(core.db) === null;
      const seconds = Math.round(waitMs / 1000);
      const within = `within ${seconds} second${seconds === 1 ? '' : 's'}`;
      const message = noRelay
        ? `M-Pesa took the balance query, but its answer did not reach Mshahara ${within}: this profile has no relay yet, so M-Pesa cannot reach this computer. Set up the relay, then test again.`
        : `M-Pesa took the balance query, but its answer did not reach Mshahara ${within}. Check the relay address, that the relay is reachable from the internet over HTTPS, and that it is running.`;
      return result(tokenOk, ['passed', 'M-Pesa accepted the balance query.'], ['failed', message], message);
    }
    case 'answered': {
      const callbackOk: Step = ['passed', `The answer arrived through ${answer.row.source}.`];
      if (answer.row.applied === 1)
        return result(tokenOk, ['passed', 'M-Pesa answered with the balance.'], callbackOk, null);
      const reason = answer.row.reason ?? 'M-Pesa answered without a balance.';
      return result(tokenOk, ['failed', reason], callbackOk, `M-Pesa did not give the balance: ${reason}`);
    }
    default: {
      const unexpected: never = answer;
      throw new Error(`Unknown balance answer ${String(unexpected)}`);
    }
  }
}

function certificateView(
  source: CertificateView['source'],
  fileName: string | null,
  info: CertificateInfo,
): CertificateView {
  const now = Date.now();
  return {
    source,
    fileName,
    subject: info.subject,
    issuer: info.issuer,
    fingerprintSha256: info.fingerprint256,
    validFrom: info.validFrom.toISOString(),
    validTo: info.validTo.toISOString(),
    usableNow: info.validFrom.getTime() <= now && now <= info.validTo.getTime(),
  };
}

export function profileCertificate(core: ProfileCore): CertificateView {
  const choice = core.profile.certificate;
  if (typeof choice === 'object')
    return certificateView('file', choice.path.split(/[\\/]/).at(-1) ?? null, loadCertificate(choice.path).info);
  switch (choice) {
    case 'bundled-sandbox':
      return certificateView(choice, null, loadCertificate(bundledCertificatePath('sandbox')).info);
    case 'bundled-production':
      return certificateView(choice, null, loadCertificate(bundledCertificatePath('production')).info);
    case 'simulator': {
      if (core.simulator === undefined)
        throw new ValidationError(
          'This profile uses a simulator that runs elsewhere; its certificate is fetched at each start.',
        );
      return certificateView('simulator', null, certificateInfo(core.simulator.certificatePem));
    }
    default: {
      const unexpected: never = choice;
      throw new Error(`Unknown certificate choice ${String(unexpected)}`);
    }
  }
}

export function relayView(core: ProfileCore): RelayView {
  const lastEventAt = lastRelayCallbackAt(core.db);
  if (core.demoRelay !== undefined) {
    return {
      mode: 'in_process',
      url: core.demoRelay.url,
      channel: core.demoRelay.channel,
      connected: true,
      lastEventAt,
      message: 'Demo runs its own relay inside Mshahara.',
    };
  }
  const settings = relaySettings(core.db);
  if (settings === null) {
    return {
      mode: 'not_set_up',
      url: null,
      channel: null,
      connected: false,
      lastEventAt: null,
      message: 'No relay yet: M-Pesa cannot reach this computer with its answers until one is set up.',
    };
  }
  const route = (core.source as { route?: unknown }).route;
  const connected = route === 'relay';
  return {
    mode: 'remote',
    url: settings.relayUrl,
    channel: settings.channel,
    connected,
    lastEventAt,
    message: connected ? null : 'The relay is set up but not in use yet; choose the profile again.',
  };
}

type SetupMethods =
  | 'setup.testConnection'
  | 'certificate.info'
  | 'certificate.load'
  | 'relay.get'
  | 'relay.publicKey'
  | 'relay.connect'
  | 'settings.get'
  | 'settings.update';

export function setupHandlers(ctx: ApiContext): Pick<ContractHandlers, SetupMethods> {
  const core = () => ctx.session.require();
  const notForDemo = (c: ProfileCore, what: string): void => {
    if (c.profile.kind === 'demo')
      throw new ValidationError(`A demo profile ${what}: it runs the simulator and its relay inside Mshahara.`);
  };
  /** Saves profile.json and opens the profile again so its running parts read the change. */
  const changeProfile = async (settings: ProfileSettings): Promise<ProfileCore> => {
    saveProfile(settings, ctx.dataRoot);
    return (await ctx.session.reopen()) ?? core();
  };
  const currentSettings = (c: ProfileCore): MethodOutput<'settings.get'> => ({
    sendRatePerSecond: c.profile.sendRatePerSecond,
    concurrency: c.profile.concurrency,
    amountLimits: amountLimits(c.db),
  });

  return {
    'setup.testConnection': async ({ name }) => {
      const c = name === undefined ? core() : await ctx.session.select(name);
      return testConnection(c);
    },
    'certificate.info': () => profileCertificate(core()),
    'certificate.load': async (file) => {
      const c = core();
      notForDemo(c, 'uses the simulator’s certificate');
      const certificate = storeCertificate(ctx.dataRoot, c.profile.name, file);
      const reopened = await changeProfile({ ...c.profile, certificate });
      return profileCertificate(reopened);
    },
    'relay.get': () => relayView(core()),
    'relay.publicKey': async () => {
      const c = core();
      notForDemo(c, 'needs no relay of yours');
      return { publicKeyPem: await channelPublicKey(ctx.secrets, c.profile.name) };
    },
    'relay.connect': async (input) => {
      const c = core();
      notForDemo(c, 'needs no relay of yours');
      const base = { db: c.db, secrets: ctx.secrets, profile: c.profile.name, relayUrl: input.url };
      const settings =
        input.how === 'admin_token'
          ? await registerProfileChannel({ ...base, adminToken: input.adminToken, channelName: input.channelName })
          : await saveRegistrationJson({ ...base, registrationJson: input.registrationJson });
      const reopened = await changeProfile({ ...c.profile, relayUrl: settings.relayUrl });
      return relayView(reopened);
    },
    'settings.get': () => currentSettings(core()),
    'settings.update': async ({ sendRatePerSecond, concurrency, amountLimits: limits }) => {
      let c = core();
      if (limits !== undefined) saveAmountLimits(c.db, limits, ctx.actor);
      if (sendRatePerSecond !== undefined || concurrency !== undefined) {
        c = await changeProfile({
          ...c.profile,
          ...(sendRatePerSecond === undefined ? {} : { sendRatePerSecond }),
          ...(concurrency === undefined ? {} : { concurrency }),
        });
      }
      return currentSettings(c);
    },
  };
}
