// Contract handlers for what runs: app.info, and the profiles (create on First start, list, choose,
// replace credentials). Credentials go to the keychain and come back only as masked hints.
import type { MethodInput, ProfileView } from '../../shared/contract';
import { ValidationError } from '../../shared/errors';
import type { ContractHandlers } from '../transports/dispatch';
import { logger } from '../log';
import {
  createProfile,
  listProfiles,
  loadProfile,
  needsCredentials,
  profileDefaults,
  profileExists,
  saveProfileSecrets,
  type CertificateChoice,
  type CredentialName,
  type ProfileSettings,
} from '../profiles';
import { keepProfileCertificate } from '../profiles/certificate';
import type { SecretStore } from '../secrets/secret-store';
import type { ApiContext } from './context';
import { addSampleWorkers } from '../payroll/sample-workers';
import { countWorkers } from '../payroll/workers';
import { decodeUpload } from './files';
import { readCredentialCheck } from '../setup/rotation';

const log = logger('app');

/** "••••3f2a": enough to recognise which key is stored, never enough to use it. */
export function maskSecret(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  return `••••${value.length > 8 ? value.slice(-4) : ''}`;
}

async function credentialHints(secrets: SecretStore, profile: ProfileSettings): Promise<ProfileView['credentials']> {
  const none = { consumerKey: null, consumerSecret: null, initiatorPassword: null, stkPasskey: null };
  if (!needsCredentials(profile.kind)) return none;
  try {
    const hint = async (name: CredentialName) => maskSecret(await secrets.get(profile.name, name));
    return {
      consumerKey: await hint('consumer-key'),
      consumerSecret: await hint('consumer-secret'),
      initiatorPassword: await hint('initiator-password'),
      stkPasskey: await hint('stk-passkey'),
    };
  } catch (error) {
    // A locked or missing keychain must not hide the profile list; the hints just stay empty.
    log.warn({ err: error, profile: profile.name }, 'could not read credential hints from the keychain');
    return none;
  }
}

export async function profileView(ctx: ApiContext, profile: ProfileSettings): Promise<ProfileView> {
  return {
    name: profile.name,
    kind: profile.kind,
    current: ctx.session.current?.profile.name === profile.name,
    baseUrl: profile.baseUrl,
    shortcode: profile.shortcode,
    initiatorName: profile.initiatorName,
    stkShortcode: profile.stkShortcode,
    relayUrl: profile.relayUrl,
    credentials: await credentialHints(ctx.secrets, profile),
    movesRealMoney: profile.kind === 'production',
    credentialCheck: readCredentialCheck(ctx.dataRoot, profile.name),
  };
}

/** Keeps a loaded certificate in the profile's folder, after checking it is one. */
export function storeCertificate(
  dataRoot: string,
  profileName: string,
  file: { fileName: string; contentBase64: string },
): CertificateChoice {
  return keepProfileCertificate(dataRoot, profileName, decodeUpload(file.contentBase64));
}

type CreateInput = MethodInput<'profiles.create'>;

async function createRealProfile(
  ctx: ApiContext,
  input: Exclude<CreateInput, { kind: 'demo' }>,
): Promise<ProfileSettings> {
  const name = input.name;
  if (profileExists(name, ctx.dataRoot))
    throw new ValidationError(`A profile named "${name}" already exists; choose it, or give this one another name.`);
  const draft = profileDefaults({
    name,
    kind: input.kind,
    shortcode: input.shortcode,
    initiatorName: input.initiatorName,
    stkShortcode: input.stkShortcode ?? null,
  });
  // Keychain first: if it is locked or missing, nothing is left half-made on disk.
  await saveProfileSecrets(ctx.secrets, draft, {
    'consumer-key': input.credentials.consumerKey,
    'consumer-secret': input.credentials.consumerSecret,
    'initiator-password': input.credentials.initiatorPassword,
    ...(input.credentials.stkPasskey === undefined ? {} : { 'stk-passkey': input.credentials.stkPasskey }),
  });
  const certificate =
    input.certificate === undefined || input.certificate === 'bundled'
      ? undefined
      : storeCertificate(ctx.dataRoot, name, input.certificate);
  return createProfile(
    {
      name,
      kind: input.kind,
      shortcode: input.shortcode,
      initiatorName: input.initiatorName,
      stkShortcode: input.stkShortcode ?? null,
      ...(certificate === undefined ? {} : { certificate }),
    },
    ctx.dataRoot,
  );
}

type ProfileMethods =
  'app.info' | 'profiles.list' | 'profiles.create' | 'profiles.select' | 'profiles.updateCredentials';

export function profileHandlers(ctx: ApiContext): Pick<ContractHandlers, ProfileMethods> {
  const announce = (profile: ProfileSettings): void =>
    ctx.events.publish('profile.changed', {
      profile: { name: profile.name, kind: profile.kind, shortcode: profile.shortcode },
    });
  return {
    'app.info': () => {
      const current = ctx.session.current;
      const profile = current?.profile;
      return {
        ...ctx.identity,
        profile:
          profile === undefined ? null : { name: profile.name, kind: profile.kind, shortcode: profile.shortcode },
        dataFolder: ctx.dataRoot,
        demoSimulatorUrl: current?.simulator?.baseUrl ?? null,
      };
    },
    'profiles.list': async () => {
      const profiles = listProfiles(ctx.dataRoot).map((name) => loadProfile(name, ctx.dataRoot));
      return {
        profiles: await Promise.all(profiles.map((p) => profileView(ctx, p))),
        current: ctx.session.current?.profile.name ?? null,
      };
    },
    'profiles.create': async (input) => {
      if (input.kind === 'demo') {
        // Choosing demo again on a machine that has one opens it, with its history.
        const fresh = !profileExists(input.name, ctx.dataRoot);
        if (fresh) createProfile({ name: input.name, kind: 'demo' }, ctx.dataRoot);
        const core = await ctx.session.select(input.name);
        const empty = countWorkers(core.db) === 0;
        if (fresh && empty) addSampleWorkers(core.db, ctx.actor);
        announce(core.profile);
        return profileView(ctx, core.profile);
      }
      const settings = await createRealProfile(ctx, input);
      // Added from Settings: the profile in use stays open (and everyone stays signed in to it).
      if (!input.open) return profileView(ctx, settings);
      const core = await ctx.session.select(settings.name);
      announce(core.profile);
      return profileView(ctx, core.profile);
    },
    'profiles.select': async ({ name }) => {
      const core = await ctx.session.select(name);
      announce(core.profile);
      return profileView(ctx, core.profile);
    },
    'profiles.updateCredentials': async ({ name, consumerKey, consumerSecret, initiatorPassword, stkPasskey }) => {
      const profile = loadProfile(name, ctx.dataRoot);
      const saved = await saveProfileSecrets(ctx.secrets, profile, {
        ...(consumerKey === undefined ? {} : { 'consumer-key': consumerKey }),
        ...(consumerSecret === undefined ? {} : { 'consumer-secret': consumerSecret }),
        ...(initiatorPassword === undefined ? {} : { 'initiator-password': initiatorPassword }),
        ...(stkPasskey === undefined ? {} : { 'stk-passkey': stkPasskey }),
      });
      if (saved.length === 0) throw new ValidationError('Give at least one credential to replace.');
      // The Daraja client read the old ones when the profile opened.
      if (ctx.session.current?.profile.name === name) await ctx.session.reopen();
      return profileView(ctx, profile);
    },
  };
}
