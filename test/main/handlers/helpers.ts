// Test helpers for the contract handlers: an API over a fresh data folder, a call that returns the
// value or throws the contract error, and a wait for one contract event.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../../../src/shared/contract';
import { createApi, openCore, type Api, type CoreOptions, type ProfileCore } from '../../../src/main/handlers';
import { callContract, type CallFrom } from '../../../src/main/transports/dispatch';
import { methodAccess } from '../../../src/shared/contract/access';
import { seedPeople, type TestPeople } from '../../helpers/people';
import { MemorySecretStore } from '../../../src/main/secrets/memory-store';

export interface TestApi {
  api: Api;
  dataRoot: string;
  secrets: MemorySecretStore;
  /**
   * Calls as the person whose role the method needs (the officer first, then the approver, the
   * accountant, the admin, the auditor: test/helpers/people.ts), through the same access check as
   * every door; before a profile is open, through a door with nobody signed in (First start).
   */
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  /** Calls as this person (or through this door, or as nobody). */
  callAs<M extends MethodName>(from: CallFrom, method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  /** The test people of the open profile. */
  people(): Promise<TestPeople>;
  next<E extends EventName>(event: E, where?: (payload: EventPayload<E>) => boolean): Promise<EventPayload<E>>;
  stop(): Promise<void>;
}

export interface TestApiOptions {
  mode?: 'desktop' | 'browser';
  openProfile?: (name: string, dataRoot: string, secrets: MemorySecretStore) => Promise<ProfileCore>;
  core?: Omit<CoreOptions, 'dataRoot' | 'secrets'>;
  balanceOnOpen?: boolean;
}

export async function testApi(options: TestApiOptions = {}): Promise<TestApi> {
  const dataRoot = await mkdtemp(join(tmpdir(), 'mshahara-api-'));
  const secrets = new MemorySecretStore();
  const mode = options.mode ?? 'browser';
  const api = createApi({
    identity: { version: '0.0.0-test', mode },
    dataRoot,
    secrets,
    delivery: mode === 'desktop' ? 'file' : 'bytes',
    actor: 'test officer',
    openProfile: (name) =>
      (options.openProfile ?? ((n: string) => openCore(n, { dataRoot, secrets, ...options.core })))(
        name,
        dataRoot,
        secrets,
      ),
    ...(options.balanceOnOpen === undefined ? {} : { balanceOnOpen: options.balanceOnOpen }),
  });
  const firstStart = api.newDoor();
  const people = async (): Promise<TestPeople> => seedPeople(api.session.require().db);
  const personFor = async (method: MethodName): Promise<CallFrom> => {
    if (api.session.current === null) return firstStart;
    const cast = await people();
    const rule = methodAccess[method];
    if (rule.access === 'anyone' || rule.access === 'signed-in') return cast.officer;
    const order = [cast.officer, cast.approver, cast.accountant, cast.admin, cast.auditor];
    return (
      order.find((person) => person.roles.some((role) => (rule.access as readonly string[]).includes(role))) ?? null
    );
  };
  async function callAs<M extends MethodName>(
    from: CallFrom,
    method: M,
    input: MethodInput<M>,
  ): Promise<MethodOutput<M>> {
    const result = await callContract(api.handlers, method, input, from);
    if (!result.ok)
      throw Object.assign(new Error(`${method}: ${result.error.message}`), { contractError: result.error });
    return result.value as never;
  }
  return {
    api,
    dataRoot,
    secrets,
    call: async (method, input) => callAs(await personFor(method), method, input),
    callAs,
    people,
    next(event, where = () => true) {
      return new Promise((resolve) => {
        const stop = api.events.on((name, payload) => {
          if ((name as string) !== event || !where(payload as never)) return;
          stop();
          resolve(payload as never);
        });
      });
    },
    async stop() {
      await api.close();
      await rm(dataRoot, { recursive: true, force: true });
    },
  };
}

/** A payroll CSV of `count` good rows (07… numbers) followed by the given bad rows, as base64. */
export function payrollCsv(count: number, badRows: string[] = []): { contentBase64: string; text: string } {
  const lines = ['name,phone,amount,reference'];
  for (let i = 0; i < count; i++)
    lines.push(
      `Worker ${String(i + 1).padStart(3, '0')},07${String(20_000_000 + i).padStart(8, '0')},${1_000 + i * 10},November pay`,
    );
  lines.push(...badRows);
  const text = `${lines.join('\r\n')}\r\n`;
  return { text, contentBase64: Buffer.from(text).toString('base64') };
}
