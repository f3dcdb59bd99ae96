// Contract handlers for setting a profile up: the connection test (token, balance query, answer
// through the relay), the certificate, the relay channel, and the settings an officer may tune.
import type { CertificateView, MethodOutput, RelayView } from '../../shared/contract';
import { ValidationError } from '../../shared/errors';
import { bundledCertificatePath, certificateInfo, loadCertificate, type CertificateInfo } from '../daraja/certificate';
import type { ContractHandlers } from '../transports/dispatch';
import { lastRelayCallbackAt } from '../callback-sources/inbox/entries';
import { amountLimits, saveAmountLimits } from '../payroll/amount-limits';
import { loadProfile, saveProfile, type ProfileSettings } from '../profiles';
import {
  channelPublicKey,
  registerProfileChannel,
  relaySettings,
  saveRegistrationJson,
} from '../callback-sources/relay-client/setup';
import { testConnection, testProfileToken } from '../setup/connection-test';
import { readCredentialCheck, writeCredentialCheck } from '../setup/rotation';
import { certificateEvidence, certificateStanding } from '../setup/certificate-evidence';
import type { ApiContext, ProfileCore } from './context';
import { storeCertificate } from './profiles';

function certificateView(
  core: ProfileCore,
  source: CertificateView['source'],
  fileName: string | null,
  info: CertificateInfo,
): CertificateView {
  const now = Date.now();
  const evidence = certificateEvidence(core.db);
  return {
    source,
    fileName,
    subject: info.subject,
    issuer: info.issuer,
    fingerprintSha256: info.fingerprint256,
    validFrom: info.validFrom.toISOString(),
    validTo: info.validTo.toISOString(),
    usableNow: info.validFrom.getTime() <= now && now <= info.validTo.getTime(),
    lastAcceptedAt: evidence.lastAcceptedAt,
    lastRefusedAt: evidence.lastRefusedAt,
    standing: certificateStanding(info, evidence, now),
  };
}

export function profileCertificate(core: ProfileCore): CertificateView {
  const choice = core.profile.certificate;
  if (typeof choice === 'object')
    return certificateView(core, 'file', choice.path.split(/[\\/]/).at(-1) ?? null, loadCertificate(choice.path).info);
  switch (choice) {
    case 'bundled-sandbox':
      return certificateView(core, choice, null, loadCertificate(bundledCertificatePath('sandbox')).info);
    case 'bundled-production':
      return certificateView(core, choice, null, loadCertificate(bundledCertificatePath('production')).info);
    case 'simulator': {
      if (core.simulator === undefined)
        throw new ValidationError(
          'This profile uses a simulator that runs elsewhere; its certificate is fetched at each start.',
        );
      return certificateView(core, 'simulator', null, certificateInfo(core.simulator.certificatePem));
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
      const open = ctx.session.current;
      if (name !== undefined && name !== open?.profile.name) {
        const profile = loadProfile(name, ctx.dataRoot);
        // A profile added but not open: its key and secret can be proven without switching to it.
        if (profile.kind !== 'demo') return testProfileToken(profile, ctx.secrets);
      }
      const c = name === undefined ? core() : await ctx.session.select(name);
      const result = await testConnection(c);
      const check = readCredentialCheck(ctx.dataRoot, c.profile.name);
      // Credentials kept untested become proven once every step passes with them.
      if (result.ok && check?.outcome === 'untested')
        writeCredentialCheck(ctx.dataRoot, c.profile.name, {
          ...check,
          at: new Date().toISOString(),
          outcome: 'verified',
        });
      return result;
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
      const c = core();
      if (limits !== undefined) saveAmountLimits(c.db, limits, ctx.actor);
      if (sendRatePerSecond !== undefined || concurrency !== undefined) {
        // Saved for the next start and handed to the running engine: reopening the profile here
        // would restart a demo's simulator and relay (and with them its float) for a tuning change.
        const profile = {
          ...c.profile,
          ...(sendRatePerSecond === undefined ? {} : { sendRatePerSecond }),
          ...(concurrency === undefined ? {} : { concurrency }),
        };
        saveProfile(profile, ctx.dataRoot);
        c.engine.tune({ rate: profile.sendRatePerSecond, concurrency: profile.concurrency });
        c.profile = profile;
      }
      return currentSettings(c);
    },
  };
}
