// Rotating the open profile's M-Pesa credentials. The new ones are tried with M-Pesa through a
// client of their own before they replace anything: the consumer key and secret by a token, the
// initiator name and password by an Account Balance result with ResultCode 0 (arriving through the
// profile's own route). A refusal keeps the old ones. What could not be tested (M-Pesa out of reach,
// or the STK passkey, which only a customer's payment request proves) is kept only when the admin
// says so, and then it is marked untested: in the answer, the audit log and the profile's folder.
// The audit entry names which credentials changed, never a value.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { ValidationError } from '../../shared/errors';
import { connectToDaraja } from '../composition/daraja-connection';
import { DarajaClient } from '../daraja';
import type { ProfileCore } from '../handlers/context';
import { appendAudit } from '../ledger/audit';
import { askAccountBalance } from '../payroll/engine/balance-query';
import {
  needsCredentials,
  profileFolder,
  saveProfile,
  saveProfileSecrets,
  type CredentialName,
  type ProfileSettings,
} from '../profiles';
import type { SecretName, SecretStore } from '../secrets/secret-store';
import { connectionTestWaitMs, isNetworkFailure } from './connection-test';
import { inboxRow } from '../callback-sources/inbox/entries';
import { parseCallback } from '../daraja/callbacks';

export interface NewCredentials {
  consumerKey?: string | undefined;
  consumerSecret?: string | undefined;
  initiatorName?: string | undefined;
  initiatorPassword?: string | undefined;
  stkPasskey?: string | undefined;
}

type Status = 'passed' | 'failed' | 'not_checked';
export interface RotationCheck {
  what: string;
  status: Status;
  message: string;
}

export type RotationOutcome = 'verified' | 'untested' | 'refused' | 'not_kept';

export interface RotationResult {
  replaced: boolean;
  outcome: RotationOutcome;
  checks: RotationCheck[];
  message: string;
  profile: ProfileSettings;
}

/** What the profile's folder remembers of the last change of credentials. */
export interface CredentialCheck {
  at: string;
  outcome: 'verified' | 'untested';
  /** The credentials that changed (names only). */
  changed: string[];
}

const checkFile = 'credential-check.json';

export function readCredentialCheck(dataRoot: string, profile: string): CredentialCheck | null {
  const file = join(profileFolder(profile, dataRoot), checkFile);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CredentialCheck;
  } catch {
    return null;
  }
}

export function writeCredentialCheck(dataRoot: string, profile: string, check: CredentialCheck): void {
  writeFileAtomic.sync(join(profileFolder(profile, dataRoot), checkFile), `${JSON.stringify(check, null, 2)}\n`, {
    mode: 0o600,
  });
}

const secretFields = {
  consumerKey: 'consumer-key',
  consumerSecret: 'consumer-secret',
  initiatorPassword: 'initiator-password',
  stkPasskey: 'stk-passkey',
} as const satisfies Record<string, CredentialName>;

/** The keychain as it would be with the new values: the candidate client reads through it. */
function overlay(store: SecretStore, values: Partial<Record<CredentialName, string>>): SecretStore {
  return {
    get: async (profile, name) => values[name as CredentialName] ?? store.get(profile, name),
    set: () => Promise.reject(new Error('The candidate credentials are never written while being tested.')),
    delete: () => Promise.resolve(false),
    has: async (profile, name: SecretName) => values[name as CredentialName] !== undefined || store.has(profile, name),
  };
}

async function initiatorCheck(core: ProfileCore, client: DarajaClient, waitMs: number): Promise<RotationCheck> {
  const what = 'Initiator name and password';
  const answer = await askAccountBalance(
    { db: core.db, client, source: core.source },
    { remarks: 'Mshahara credential check', waitMs, answerKinds: ['balance-result'] },
  );
  if (answer.kind === 'refused') {
    if (isNetworkFailure(answer.error))
      return { what, status: 'not_checked', message: `Could not reach M-Pesa: ${answer.error.message}` };
    return { what, status: 'failed', message: `M-Pesa refused the balance query: ${answer.error.message}` };
  }
  if (answer.kind === 'no_answer')
    return {
      what,
      status: 'not_checked',
      message: 'M-Pesa took the balance query, but its answer did not reach Mshahara in time.',
    };
  const row = inboxRow(core.db, answer.inboxId);
  const parsed = row === undefined ? null : parseCallback(row.body, row.kind);
  if (parsed === null || !parsed.ok || parsed.event.type !== 'balance-result')
    return { what, status: 'not_checked', message: 'M-Pesa answered, but not with a balance.' };
  if (parsed.event.resultCode === '0')
    return {
      what,
      status: 'passed',
      message: 'M-Pesa answered the balance query with the new initiator (ResultCode 0).',
    };
  return {
    what,
    status: 'failed',
    message: `M-Pesa refused the new initiator (${parsed.event.resultCode}: ${parsed.event.resultDesc}).`,
  };
}

async function runChecks(
  core: ProfileCore,
  candidate: DarajaClient,
  input: NewCredentials,
  waitMs: number,
): Promise<RotationCheck[]> {
  const checks: RotationCheck[] = [];
  const keysChanged = input.consumerKey !== undefined || input.consumerSecret !== undefined;
  const initiatorChanged = input.initiatorName !== undefined || input.initiatorPassword !== undefined;
  const host = candidate.origin;
  if (keysChanged || initiatorChanged) {
    const token = await candidate.accessToken();
    if (!token.ok) {
      const error = token.outcome.error;
      const unreachable = isNetworkFailure(error);
      if (keysChanged)
        checks.push({
          what: 'Consumer key and secret',
          status: unreachable ? 'not_checked' : 'failed',
          message: unreachable
            ? `Could not reach M-Pesa at ${host}: not checked.`
            : `M-Pesa at ${host} did not grant a token: ${error.message}`,
        });
      if (initiatorChanged)
        checks.push({
          what: 'Initiator name and password',
          status: 'not_checked',
          message: 'Not checked: without a token nothing else can be asked.',
        });
    } else {
      if (keysChanged)
        checks.push({
          what: 'Consumer key and secret',
          status: 'passed',
          message: `M-Pesa at ${host} granted a token for the new key and secret.`,
        });
      if (initiatorChanged) checks.push(await initiatorCheck(core, candidate, waitMs));
    }
  }
  if (input.stkPasskey !== undefined)
    checks.push({
      what: 'STK passkey',
      status: 'not_checked',
      message: 'Only a customer’s payment request can prove the passkey; Mshahara does not send one to test it.',
    });
  return checks;
}

function decide(checks: RotationCheck[], keepUntested: boolean): { outcome: RotationOutcome; message: string } {
  if (checks.some((c) => c.status === 'failed'))
    return { outcome: 'refused', message: 'M-Pesa refused the new credentials: the old ones are still in use.' };
  if (checks.every((c) => c.status === 'passed'))
    return { outcome: 'verified', message: 'M-Pesa accepted the new credentials: they are now in use.' };
  return keepUntested
    ? {
        outcome: 'untested',
        message: 'The new credentials are in use, UNTESTED: test the connection when M-Pesa can be reached.',
      }
    : {
        outcome: 'not_kept',
        message:
          'The new credentials could not be tested, so the old ones are still in use. Keep them untested, or try again.',
      };
}

export async function rotateCredentials(options: {
  core: ProfileCore;
  secrets: SecretStore;
  dataRoot: string;
  actor: string;
  input: NewCredentials & { keepUntested?: boolean };
  waitMs?: number;
}): Promise<RotationResult> {
  const { core, secrets, dataRoot, actor, input } = options;
  const profile = core.profile;
  if (!needsCredentials(profile.kind))
    throw new ValidationError('A demo profile has no credentials to rotate: it pays through the simulator.');
  const values: Partial<Record<CredentialName, string>> = {};
  for (const [field, name] of Object.entries(secretFields) as Array<[keyof typeof secretFields, CredentialName]>) {
    const value = input[field];
    if (value !== undefined) values[name] = value;
  }
  const initiatorName = input.initiatorName?.trim();
  const changed = [...Object.keys(values), ...(initiatorName === undefined ? [] : ['initiator-name'])];
  if (changed.length === 0) throw new ValidationError('Give at least one new credential.');

  const next: ProfileSettings = initiatorName === undefined ? profile : { ...profile, initiatorName };
  const connection = await connectToDaraja(next, { secrets: () => overlay(secrets, values) });
  const candidate = new DarajaClient(connection.config);
  let checks: RotationCheck[];
  try {
    checks = await runChecks(core, candidate, input, options.waitMs ?? connectionTestWaitMs);
  } finally {
    await candidate.close();
  }
  const { outcome, message } = decide(checks, input.keepUntested === true);
  const replaced = outcome === 'verified' || outcome === 'untested';
  if (replaced) {
    await saveProfileSecrets(secrets, profile, values);
    if (next !== profile) saveProfile(next, dataRoot);
    writeCredentialCheck(dataRoot, profile.name, { at: new Date().toISOString(), outcome, changed });
  }
  appendAudit(core.db, {
    actor,
    action: replaced ? 'profile.credentials_rotated' : 'profile.credentials_kept',
    entity: 'profile',
    entityId: profile.name,
    details: { changed, outcome, checks: checks.map((c) => `${c.what}: ${c.status}`) },
  });
  return { replaced, outcome, checks, message, profile: next };
}
