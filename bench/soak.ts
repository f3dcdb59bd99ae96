// `npm run bench:soak`: the crash test, longer — 5,000 payments and 60 SIGKILLs of the pay process
// by default, against the simulator's realistic mode with "retry failed" approved between kills —
// printing its figures and every way the promise broke (none, when all is well).
//   SOAK_ITEMS (5000)  SOAK_KILLS (60)  SOAK_SEED (20261122)  SOAK_RATE (45)  SOAK_NOT_FOUND (SFC_IC0003)
import { exactlyOnceProblems, runCrashScenario, settlementProblems } from '../test/crash/harness';

const items = Number(process.env.SOAK_ITEMS ?? 5000);
const kills = Number(process.env.SOAK_KILLS ?? 60);
const seed = Number(process.env.SOAK_SEED ?? 20261122);
const rate = Number(process.env.SOAK_RATE ?? 45);

const started = Date.now();
const outcome = await runCrashScenario({
  seed,
  items,
  kills,
  ratePerSecond: rate,
  resultTimeoutSeconds: 3,
  realistic: true,
  retryEvery: 4,
  faults: {
    statusNotFoundCode: process.env.SOAK_NOT_FOUND ?? 'SFC_IC0003',
    dropCallback: 0.05,
    duplicateCallback: 0.05,
    errorAfter: 0.02,
    spikeArrestPerSecond: 50,
    callbackDelayMs: { min: 20, max: 3000 },
  },
  maxLifeMs: 3000,
  deadlineMs: 60 * 60_000,
  log: (message) => void process.stderr.write(`${((Date.now() - started) / 1000).toFixed(1)} s  ${message}\n`),
});
const problems = [
  ...settlementProblems(outcome.beforePerson).map((p) => `before any person: ${p}`),
  ...exactlyOnceProblems(outcome),
];
const line = (label: string, value: string): void => void process.stdout.write(`  ${label.padEnd(34)} ${value}\n`);
process.stdout.write(`bench:soak — seed ${seed}, ${items} payments, rate ${rate}/s\n`);
line('kills (while paying / all)', `${outcome.killsWhilePaying} / ${outcome.kills}, in ${outcome.lives} lives`);
line(
  'paid by M-Pesa',
  `${outcome.payments.length} payments to ${new Set(outcome.payments.map((p) => p.party)).size} people`,
);
line('ledger rows', String(outcome.database.ledger.length));
line('refused by M-Pesa (payees who fail)', String(outcome.failures.length));
line('lives that approved retry failed', String(outcome.retryLives));
line(
  'work list cleared by a person',
  `${outcome.person.resolvedPaid} recorded paid, ${outcome.person.resolvedFailed} recorded failed`,
);
line('settled without a person', `${(outcome.settledWithoutPerson * 100).toFixed(1)}% (goal at least 95%)`);
line('attempts left unresolved', String(outcome.database.unresolvedAttempts.length));
line('audit chain', outcome.database.auditChain.ok ? `verifies (${outcome.database.auditChain.rows} rows)` : 'BROKEN');
line('time', `${outcome.seconds.toFixed(1)} s`);
line('problems', problems.length === 0 ? 'none: everyone paid exactly once' : String(problems.length));
for (const problem of problems.slice(0, 50)) process.stdout.write(`    ${problem}\n`);
process.exitCode = problems.length === 0 ? 0 : 1;
