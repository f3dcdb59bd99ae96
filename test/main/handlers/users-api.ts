// The contract's handlers over one real profile database holding the test people, without the
// payout engine: what the people and account methods need (the database, the keychain, the
// profile's name), each call made through callContract as a signed-in person.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContractResult, MethodInput, MethodName, MethodOutput } from '../../../src/shared/contract';
import type { Caller } from '../../../src/shared/contract/access';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import {
  createHandlers,
  EventHub,
  ProfileSession,
  type ApiContext,
  type ProfileCore,
} from '../../../src/main/handlers';
import type { SecretStore } from '../../../src/main/secrets/secret-store';
import { MemorySecretStore } from '../../../src/main/secrets/memory-store';
import { callContract, type ContractHandlers } from '../../../src/main/transports/dispatch';
import { currentCaller } from '../../../src/main/transports/call-scope';
import { seedPeople, type TestPeople } from '../../helpers/people';

export interface UsersApi {
  db: ProfileDatabase;
  dbFile: string;
  people: TestPeople;
  secrets: SecretStore;
  profile: string;
  handlers: ContractHandlers;
  /** The whole answer, refusals included. */
  result<M extends MethodName>(
    method: M,
    input: MethodInput<M>,
    as: Caller | null,
  ): Promise<ContractResult<MethodOutput<M>>>;
  /** The value, or a thrown Error carrying the contract error. */
  call<M extends MethodName>(method: M, input: MethodInput<M>, as: Caller | null): Promise<MethodOutput<M>>;
  stop(): Promise<void>;
}

let opened = 0;

export async function usersApi(secrets: SecretStore = new MemorySecretStore()): Promise<UsersApi> {
  const dataRoot = mkdtempSync(join(tmpdir(), 'mshahara-users-api-'));
  const dbFile = join(dataRoot, 'mshahara.sqlite');
  const db = openDatabase(dbFile);
  const profile = `users-api-${process.pid}-${++opened}`;
  const core = {
    profile: { name: profile, kind: 'demo' },
    db,
    engine: { stop: () => Promise.resolve() },
    close: () => Promise.resolve(closeDatabase(db)),
  } as unknown as ProfileCore;
  const session = new ProfileSession({ dataRoot, openProfile: () => Promise.resolve(core) });
  await session.select(profile);
  const ctx: ApiContext = {
    identity: { version: '0.0.0-test', mode: 'desktop' },
    dataRoot,
    secrets,
    session,
    events: new EventHub(),
    delivery: 'file',
    get actor() {
      return currentCaller()?.username ?? 'nobody';
    },
    caller: currentCaller,
  };
  const handlers = createHandlers(ctx);
  const people = await seedPeople(db);
  const result = <M extends MethodName>(method: M, input: MethodInput<M>, as: Caller | null) =>
    callContract(handlers, method, input, as) as Promise<ContractResult<MethodOutput<M>>>;
  return {
    db,
    dbFile,
    people,
    secrets,
    profile,
    handlers,
    result,
    async call(method, input, as) {
      const answer = await result(method, input, as);
      if (!answer.ok)
        throw Object.assign(new Error(`${method}: ${answer.error.message}`), { contractError: answer.error });
      return answer.value;
    },
    async stop() {
      await session.close();
      rmSync(dataRoot, { recursive: true, force: true });
    },
  };
}
