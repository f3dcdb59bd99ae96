// Starts the API the way both transports run it (Electron IPC and the browser host): the keychain
// opened only when a profile needs it, demo tuning from the environment (tests), the last profile.
import { userInfo } from 'node:os';
import { z } from 'zod';
import type { AppMode } from '../../shared/contract';
import { ValidationError } from '../../shared/errors';
import type { SimulatorOptions } from '../../simulator';
import type { SecretName, SecretStore } from '../secrets/secret-store';
import { createApi, type Api } from '../handlers/index';
import { openCore, type CoreOptions } from './open-core';

const range = z.object({ min: z.number().min(0), max: z.number().min(0) }).strict();
const faults = z
  .object({
    latencyMs: range,
    spikeArrestPerSecond: z.number().positive().nullable(),
    errorBefore: z.number().min(0).max(1),
    errorAfter: z.number().min(0).max(1),
    dropCallback: z.number().min(0).max(1),
    duplicateCallback: z.number().min(0).max(1),
    callbackDelayMs: range,
    tokenTtlSeconds: z.number().positive(),
  })
  .partial()
  .strict();

/**
 * Demo tuning read from the environment, for tests and demonstrations: MSHAHARA_DEMO_FAULTS (JSON
 * of simulator faults, e.g. {"dropCallback":0.1}), MSHAHARA_DEMO_SEED, MSHAHARA_RESULT_TIMEOUT_MS,
 * MSHAHARA_MAX_STATUS_QUERIES (unanswered queries before a payment goes on the work list).
 */
export function demoTuningFromEnv(env: NodeJS.ProcessEnv): Pick<CoreOptions, 'simulator' | 'engine'> {
  const simulator: SimulatorOptions = {};
  if (env.MSHAHARA_DEMO_FAULTS) {
    let json: unknown;
    try {
      json = JSON.parse(env.MSHAHARA_DEMO_FAULTS);
    } catch {
      throw new ValidationError('MSHAHARA_DEMO_FAULTS must be JSON, e.g. {"dropCallback":0.1}');
    }
    const parsed = faults.safeParse(json);
    if (!parsed.success)
      throw new ValidationError(`MSHAHARA_DEMO_FAULTS is not valid: ${z.prettifyError(parsed.error)}`);
    simulator.faults = parsed.data as SimulatorOptions['faults'];
  }
  if (env.MSHAHARA_DEMO_SEED) simulator.seed = Number(env.MSHAHARA_DEMO_SEED);
  const timeout = env.MSHAHARA_RESULT_TIMEOUT_MS === undefined ? undefined : Number(env.MSHAHARA_RESULT_TIMEOUT_MS);
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0))
    throw new ValidationError('MSHAHARA_RESULT_TIMEOUT_MS must be a whole number of milliseconds');
  const maxQueries =
    env.MSHAHARA_MAX_STATUS_QUERIES === undefined ? undefined : Number(env.MSHAHARA_MAX_STATUS_QUERIES);
  if (maxQueries !== undefined && !(Number.isInteger(maxQueries) && maxQueries > 0))
    throw new ValidationError('MSHAHARA_MAX_STATUS_QUERIES must be a whole number above 0');
  const engine = {
    ...(timeout === undefined ? {} : { resultTimeoutMs: timeout }),
    ...(maxQueries === undefined ? {} : { maxStatusQueries: maxQueries }),
  };
  return { simulator, ...(Object.keys(engine).length === 0 ? {} : { engine }) };
}

/** A SecretStore that opens the real one on first use: demo never touches the keychain. */
export function lazySecretStore(open: () => SecretStore): SecretStore {
  let store: SecretStore | undefined;
  const get = (): SecretStore => (store ??= open());
  return {
    get: (profile, name: SecretName) => get().get(profile, name),
    set: (profile, name: SecretName, value: string) => get().set(profile, name, value),
    delete: (profile, name: SecretName) => get().delete(profile, name),
    has: (profile, name: SecretName) => get().has(profile, name),
  };
}

export interface StartApiOptions {
  mode: AppMode;
  version: string;
  dataRoot: string;
  secrets: SecretStore;
  env?: NodeJS.ProcessEnv;
}

export async function startApi(options: StartApiOptions): Promise<Api> {
  const tuning = demoTuningFromEnv(options.env ?? process.env);
  const api = createApi({
    identity: { version: options.version, mode: options.mode },
    dataRoot: options.dataRoot,
    secrets: options.secrets,
    delivery: options.mode === 'desktop' ? 'file' : 'bytes',
    actor: officerName(),
    openProfile: (name) => openCore(name, { dataRoot: options.dataRoot, secrets: options.secrets, ...tuning }),
  });
  await api.resume();
  return api;
}

/** The audit log names the computer's user: Mshahara has no sign-in of its own yet. */
function officerName(): string {
  try {
    return userInfo().username || 'officer';
  } catch {
    return 'officer';
  }
}
