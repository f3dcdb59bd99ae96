// Sign-in benchmark: what a door costs each contract call, and what signing in costs once.
// Every call through a door reads the signed-in account, its roles and the sign-in policy again
// (so a role taken away counts at once); the baseline is the same call with the caller given
// directly, as before doors. Also times signIn itself (one scrypt hash, by design ~100 ms).
// Prints figures; asserts nothing. Run: npm run bench:signin [-- --calls 20000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createApi, openCore } from '../src/main/handlers';
import { MemorySecretStore } from '../src/main/secrets/memory-store';
import { callContract, type CallFrom } from '../src/main/transports/dispatch';
import { signIn } from '../src/main/users/signin';
import { seedPeople, testPassword } from '../test/helpers/people';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '20000' } } });
const calls = Number(values.calls);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function timeCalls(label: string, run: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 500; i++) await run(); // warm up
  const took: number[] = [];
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await run();
    took.push(performance.now() - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  took.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(34)} ${Math.round(calls / seconds)
      .toLocaleString('en-KE')
      .padStart(
        8,
      )} calls/s   p50 ${(percentile(took, 50) * 1000).toFixed(0)} µs   p99 ${(percentile(took, 99) * 1000).toFixed(0)} µs`,
  );
}

const dataRoot = mkdtempSync(join(tmpdir(), 'mshahara-bench-signin-'));
const secrets = new MemorySecretStore();
const api = createApi({
  identity: { version: 'bench', mode: 'browser' },
  dataRoot,
  secrets,
  delivery: 'bytes',
  actor: 'bench',
  balanceOnOpen: false,
  openProfile: (name) => openCore(name, { dataRoot, secrets }),
});
try {
  await callContract(api.handlers, 'profiles.create', { kind: 'demo' }, api.newDoor());
  const db = api.session.require().db;
  const people = await seedPeople(db);
  const door = api.newDoor();
  const signedIn = await callContract(
    api.handlers,
    'session.signIn',
    { username: 'amina', password: testPassword },
    door,
  );
  if (!signedIn.ok) throw new Error(signedIn.error.message);

  console.log(`${calls.toLocaleString('en-KE')} calls of workers.list (10 workers), one after another:`);
  const call = (from: CallFrom) => () => callContract(api.handlers, 'workers.list', {}, from);
  await timeCalls('baseline: caller given directly', call(people.officer));
  await timeCalls('through a signed-in door', call(door));

  const tries = 10;
  const took: number[] = [];
  for (let i = 0; i < tries; i++) {
    const t0 = performance.now();
    const result = await signIn(
      db,
      { store: secrets, profile: 'demo' },
      {
        username: 'baraka',
        password: testPassword,
        now: new Date(),
      },
    );
    took.push(performance.now() - t0);
    if (!result.ok) throw new Error(result.message);
  }
  took.sort((a, b) => a - b);
  console.log(
    `signIn (scrypt N=32768, r=8, p=1), ${tries} times: p50 ${percentile(took, 50).toFixed(0)} ms, max ${took.at(-1)?.toFixed(0)} ms`,
  );
} finally {
  await api.close();
  rmSync(dataRoot, { recursive: true, force: true });
}
