// The crash scenario shared by the crash test and bench/soak.ts: `pay` runs in a child process
// against a faulty simulator in this process, is SIGKILLed at seeded random moments, restarted each
// time, and finally left to finish. The checks compare the local database with the simulator's
// ground truth: who was paid, how much, how many times.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { closeDatabase, openDatabase } from '../../src/main/db';
import { verifyAuditChain } from '../../src/main/ledger/audit';
import { profileDatabasePath } from '../../src/main/profiles';
import { startRelay, type RunningRelay } from '../../src/relay-server/server';
import { startSimulator, type PaymentRecord, type RunningSimulator, type SimulatorFaults } from '../../src/simulator';
import { createRandom } from '../../src/simulator/random';
import { startPrivateKeyring, type PrivateKeyring } from '../helpers/keyring';
import { seedPeople, testPassword } from '../helpers/people';
import { payrollLines, writePayrollCsv, type PayrollLine } from './payroll-file';
import { hasOpenRetryRequest } from './retry-request';

export const repositoryRoot = resolve(import.meta.dirname, '..', '..');
const cliEntry = join(repositoryRoot, 'src', 'main', 'cli', 'index.ts');

export interface CrashScenario {
  seed: number;
  items: number;
  /** Kills while the run still had work to do; the scenario keeps killing until it has this many. */
  kills: number;
  ratePerSecond: number;
  faults: Partial<SimulatorFaults>;
  /** Longest wait from a life's first progress line to its kill. */
  maxLifeMs: number;
  /** Seconds `pay` waits for a result before asking Transaction Status (its --result-timeout). */
  resultTimeoutSeconds: number;
  /** More `pay` flags (diagnostics). */
  extraPayArgs?: string[];
  /** Gives up (and reports) after this long, so a stuck engine fails instead of hanging. */
  deadlineMs: number;
  /**
   * How Daraja's callbacks reach `pay`. 'loopback' (default): its own port, which dies with each
   * killed process. 'relay': a companion relay that outlives every kill; `pay` is set up with
   * `relay register` (channel key in a private keychain) and catches up from it at each start.
   */
  callbacks?: 'loopback' | 'relay';
  /** The simulator plays every undocumented Daraja behaviour at its documented default rates (`--realistic`). */
  realistic?: boolean;
  /**
   * "Retry failed" as every n-th life when some payments failed on evidence: the officer asks
   * (`runs retry`), then the approver approves and pays (`runs retry --yes`, the life that is killed).
   */
  retryEvery?: number;
  /** Relay route: the relay is down for this many lives, starting after this many kills. */
  relayOutage?: { afterKills: number; lives: number };
  log?: (message: string) => void;
}

export interface CrashOutcome {
  lines: PayrollLine[];
  payments: PaymentRecord[];
  /** Kills made while the engine was paying (its first progress line seen) and M-Pesa had not yet paid everyone. */
  killsWhilePaying: number;
  kills: number;
  lives: number;
  finalExitCode: number | null;
  finalStderr: string;
  seconds: number;
  database: DatabaseFacts;
  /** 'relay' scenarios: every event the relay stored, its seq, and whether the desktop acknowledged it. */
  relay?: Array<{ seq: number; id: string; acknowledged: boolean }>;
  /** B2C payments M-Pesa processed and refused (the simulator's record). */
  failures: Array<{ party: string; originatorConversationId: string; code: string }>;
  /** Lives that approved "retry failed" between kills. */
  retryLives: number;
  /** Lives during which the relay was down. */
  outageLives: number;
  /** Where things stood when the engine could do no more, before any person acted. */
  beforePerson: DatabaseFacts;
  /** What a person did from the work list (runs resolve), and the retries they approved after. */
  person: { resolvedPaid: number; resolvedFailed: number; retries: number };
  /** Lines settled with no person involved, out of all lines. */
  settledWithoutPerson: number;
}

export interface DatabaseFacts {
  runs: Array<{ id: number; state: string }>;
  items: Array<{ id: number; phone: string; amountCents: number; state: string }>;
  /** Each line's latest attempt: how it stands and on what evidence. */
  latestAttempts: Array<{
    itemId: number;
    state: string;
    resultCode: string | null;
    needsAttention: number;
    attentionReason: string | null;
    resolvedBy: string | null;
  }>;
  openFindings: number;
  unresolvedAttempts: Array<{
    id: number;
    state: string;
    phone: string;
    statusQueries?: number;
    needsAttention?: number;
    unknownReason?: string | null;
  }>;
  succeededAttempts: Array<{ originatorConversationId: string; receipt: string; phone: string; amountCents: number }>;
  ledger: Array<{ receipt: string; phone: string | null; amountCents: number; attemptId: number | null }>;
  auditChain: ReturnType<typeof verifyAuditChain>;
  /** Callbacks stored in the inbox, by where they came from ('loopback', 'relay:<channel>'). */
  inboxBySource: Record<string, number>;
  /** Relay event ids of the callbacks in the inbox. */
  inboxEventIds: string[];
  /** Where the desktop stands in the relay's sequence (its stored cursor), or null. */
  relayCursor: string | null;
}

export interface Life {
  child: ChildProcess;
  stderr: string;
  stdout: string;
  exited: Promise<number | null>;
  /** Resolves when the CLI says its engine is paying (its first progress line). */
  paying: Promise<void>;
}

export function startLife(args: string[], dataDir: string, env: Record<string, string> = {}): Life {
  const child = spawn(process.execPath, ['--import', 'tsx', cliEntry, ...args], {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      ...env,
      MSHAHARA_DATA_DIR: dataDir,
      MSHAHARA_LOG_LEVEL: 'silent',
      VITEST: undefined,
      VITEST_WORKER_ID: undefined,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const life: Life = { child, stderr: '', stdout: '', exited: Promise.resolve(null), paying: Promise.resolve() };
  let markPaying: () => void = () => undefined;
  life.paying = new Promise<void>((resolvePaying) => (markPaying = resolvePaying));
  child.stdout?.setEncoding('utf8');
  // The closing summary ("… need attention") is on stdout; keep it beside stderr for the report.
  child.stdout?.on('data', (chunk: string) => {
    life.stdout += chunk;
    life.stderr += chunk;
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    life.stderr += chunk;
    if (/^(Paying run #\d+|Retry approved)/m.test(life.stderr)) markPaying();
  });
  life.exited = new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  void life.exited.then(() => markPaying());
  return life;
}

/** Lines whose latest attempt failed on evidence: what "retry failed" would send again. */
function countFailedItems(file: string): number {
  if (!existsSync(file)) return 0; // no program has opened the profile yet
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(`SELECT count(*) FROM payroll_items WHERE state = 'failed'`).pluck().get() as number;
  } finally {
    db.close();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, ms));
}

export async function runCrashScenario(scenario: CrashScenario): Promise<CrashOutcome> {
  const log = scenario.log ?? (() => undefined);
  const started = Date.now();
  const random = createRandom(scenario.seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'mshahara-crash-'));
  const simulator: RunningSimulator = await startSimulator({
    seed: scenario.seed,
    openRegistry: true,
    floatCents: 1_000_000_000_00,
    realistic: scenario.realistic ?? false,
    faults: scenario.faults,
  });
  let keyring: PrivateKeyring | undefined;
  let relay: RunningRelay | undefined;
  const childEnv: Record<string, string> = {};
  try {
    const lines = payrollLines(scenario.items, scenario.seed);
    const file = join(dataDir, 'november-payroll.csv');
    writePayrollCsv(file, lines);
    const init = startLife(['init', '--profile', 'demo', '--kind', 'demo', '--base-url', simulator.baseUrl], dataDir);
    if ((await init.exited) !== 0) throw new Error(`init failed: ${init.stderr}`);
    // The people who pay: an officer prepares and sends the run and asks for its retries, an approver
    // approves both (nobody moves money alone); each command runs as one of them, by name.
    const peopleDb = openDatabase(profileDatabasePath('demo', dataDir));
    let people: Awaited<ReturnType<typeof seedPeople>>;
    try {
      people = await seedPeople(peopleDb);
    } finally {
      closeDatabase(peopleDb);
    }
    childEnv.MSHAHARA_PASSWORD = testPassword;
    if (scenario.callbacks === 'relay') {
      keyring = await startPrivateKeyring();
      Object.assign(childEnv, keyring.env);
      const adminToken = 'crash-test-relay-admin';
      relay = await startRelay({
        dataDir: join(dataDir, 'relay'),
        port: 0,
        allowlist: null,
        adminToken,
        rateLimit: { hooksPerMinute: null, pullPerMinute: null },
      });
      const setup = startLife(
        ['relay', 'register', '--profile', 'demo', '--relay-url', relay.url, '--user', people.admin.username],
        dataDir,
        {
          ...childEnv,
          MSHAHARA_RELAY_ADMIN_TOKEN: adminToken,
        },
      );
      if ((await setup.exited) !== 0) throw new Error(`relay register failed: ${setup.stderr}`);
      log(`relay at ${relay.url}: ${setup.stderr.trim()}`);
    }

    const tuning = [
      '--profile',
      'demo',
      '--base-url',
      simulator.baseUrl,
      '--rate',
      String(scenario.ratePerSecond),
      '--result-timeout',
      String(scenario.resultTimeoutSeconds),
    ];
    const payArgs = [
      'pay',
      file,
      ...tuning,
      '--yes',
      '--user',
      people.officer.username,
      ...(scenario.extraPayArgs ?? []),
    ];
    const retryArgs = ['runs', 'retry', '1', ...tuning, '--yes', '--user', people.approver.username];
    const askRetryArgs = ['runs', 'retry', '1', ...tuning, '--user', people.officer.username];
    // The first pay makes the run and waits for approval (exit 3, nothing sent); the approver
    // approves it; from then on every life pays.
    const prepared = startLife(payArgs, dataDir, childEnv);
    if ((await prepared.exited) !== 3) throw new Error(`pay did not wait for approval: ${prepared.stderr}`);
    const approved = startLife(
      ['runs', 'approve', '1', '--profile', 'demo', '--acknowledge-warnings', '--user', people.approver.username],
      dataDir,
      childEnv,
    );
    if ((await approved.exited) !== 0) throw new Error(`runs approve failed: ${approved.stderr}`);
    const where = ['--profile', 'demo', '--base-url', simulator.baseUrl];
    // Settling a payment on the work list is the payroll officer's, signed in like every change.
    const asOfficer = ['--user', people.officer.username];
    const profileDb = profileDatabasePath('demo', dataDir);
    // A retry takes two people: unless a request still waits (its approver's life was killed before
    // approving), the officer asks first; that life only records the request and is not killed.
    const askForRetry = async (): Promise<void> => {
      if (hasOpenRetryRequest(profileDb, 1)) return;
      const asking = startLife(askRetryArgs, dataDir, childEnv);
      const code = await asking.exited;
      if (code !== 3 && code !== 0)
        throw new Error(`runs retry (the officer asking) failed (exit ${String(code)}): ${asking.stderr}`);
    };
    let kills = 0;
    let killsWhilePaying = 0;
    let lives = 0;
    let retryLives = 0;
    let outageLives = 0;
    let relayPort = relay === undefined ? 0 : Number(new URL(relay.url).port);
    const relayDir = join(dataDir, 'relay');
    let relayDownFor = 0;
    const restartRelay = async (): Promise<void> => {
      relay = await startRelay({
        dataDir: relayDir,
        port: relayPort,
        allowlist: null,
        adminToken: 'crash-test-relay-admin',
        rateLimit: { hooksPerMinute: null, pullPerMinute: null },
      });
      relayPort = Number(new URL(relay.url).port);
      log(`relay back at ${relay.url}`);
    };
    let lastRetryLife = -Infinity;
    // Kill until enough kills landed while paying, and in the relay route (where refusals arrive
    // whatever is killed) until a retry life has run when payees failed.
    const moreLives = (): boolean =>
      killsWhilePaying < scenario.kills ||
      (scenario.callbacks === 'relay' &&
        scenario.retryEvery !== undefined &&
        retryLives === 0 &&
        simulator.failures().length > 0 &&
        lives < scenario.kills * 3);
    while (moreLives()) {
      if (Date.now() - started > scenario.deadlineMs) throw new Error(`deadline passed after ${kills} kills`);
      const outage = scenario.relayOutage;
      if (outage && relay !== undefined && relayDownFor === 0 && outageLives === 0 && kills >= outage.afterKills) {
        // The relay goes down: Daraja's callbacks (results and status answers) have nowhere to go and are lost.
        await relay.close();
        relay = undefined;
        relayDownFor = outage.lives;
        log(`relay down for ${outage.lives} lives`);
      }
      // "Retry failed" is approved as soon as something failed on evidence, at most every retryEvery lives.
      const retrying =
        scenario.retryEvery !== undefined &&
        lives - lastRetryLife >= scenario.retryEvery &&
        countFailedItems(profileDb) > 0;
      if (retrying) await askForRetry();
      const life = startLife(retrying ? retryArgs : payArgs, dataDir, childEnv);
      if (retrying) {
        retryLives += 1;
        lastRetryLife = lives;
      }
      if (relayDownFor > 0) outageLives += 1;
      const spawnedAt = Date.now();
      lives += 1;
      void life.paying.then(
        () => life.child.exitCode === null && log(`life ${lives}: paying after ${Date.now() - spawnedAt} ms`),
      );
      // Most kills land while payments are in flight; some during start-up and recovery (those
      // are extra: only kills of a paying engine count towards the scenario's number).
      let payingSeen = false;
      void life.paying.then(() => (payingSeen = life.child.exitCode === null));
      if (random.chance(0.85)) await Promise.race([life.paying, life.exited]);
      await Promise.race([delay(random.between(0, scenario.maxLifeMs)), life.exited]);
      const endOfLife = async (): Promise<void> => {
        if (relayDownFor > 0 && --relayDownFor === 0) await restartRelay();
      };
      if (life.child.exitCode !== null) {
        // It finished on its own: nothing was left to kill (1: some failed or wait for a person).
        log(`life ${lives} exited ${life.child.exitCode} before its kill`);
        if (life.child.exitCode !== 0 && life.child.exitCode !== 1)
          throw new Error(`pay failed (exit ${life.child.exitCode}): ${life.stderr}`);
        await endOfLife();
        if (relayDownFor > 0 || countFailedItems(profileDb) > 0) continue;
        break;
      }
      const paidBefore = simulator.payments().length;
      life.child.kill('SIGKILL');
      await life.exited;
      kills += 1;
      if (payingSeen && paidBefore < lines.length) killsWhilePaying += 1;
      log(
        `kill ${kills}: simulator had paid ${paidBefore}/${lines.length}${retrying ? ' (a retry life)' : ''}${relayDownFor > 0 ? ' (relay down)' : ''}`,
      );
      await endOfLife();
    }
    if (relay === undefined && scenario.callbacks === 'relay') await restartRelay();

    const finish = async (args: string[], what: string): Promise<Life> => {
      const life = startLife(args, dataDir, childEnv);
      lives += 1;
      const code = await Promise.race([
        life.exited,
        delay(Math.max(1, scenario.deadlineMs - (Date.now() - started))).then(() => 'timeout' as const),
      ]);
      if (code === 'timeout') {
        life.child.kill('SIGKILL');
        throw new Error(`${what} did not finish in time: ${life.stderr.slice(-2000)}`);
      }
      return life;
    };
    // Left alone, the engine does everything it can on evidence, "retry failed" included.
    let final = await finish(payArgs, 'the final pay');
    for (let round = 0; round < 3 && countFailedItems(profileDb) > 0; round++) {
      await askForRetry();
      final = await finish(retryArgs, 'a retry');
    }
    await simulator.callbacksIdle();
    const beforePerson = readDatabaseFacts(profileDb);

    // Then a person clears the work list from the receipts M-Pesa shows (its statement: the simulator's record).
    const person = { resolvedPaid: 0, resolvedFailed: 0, retries: 0 };
    for (let round = 0; round < 4; round++) {
      const listed = await finish(['runs', 'attention', '1', '--json', ...where], 'runs attention');
      if (listed.child.exitCode !== 0)
        throw new Error(`runs attention failed (exit ${String(listed.child.exitCode)}): ${listed.stderr.slice(-2000)}`);
      const work = JSON.parse(listed.stdout) as {
        attention: Array<{ itemId: number; phone: string; amountCents: number; originatorConversationId: string }>;
      };
      if (work.attention.length === 0 && countFailedItems(profileDb) === 0) break;
      for (const item of work.attention) {
        const paid = simulator.payments().find((p) => p.originatorConversationId === item.originatorConversationId);
        const args = paid
          ? [
              'runs',
              'resolve',
              String(item.itemId),
              '--paid',
              paid.receipt,
              '--reason',
              'Receipt on the M-Pesa statement',
              ...where,
              ...asOfficer,
            ]
          : [
              'runs',
              'resolve',
              String(item.itemId),
              '--failed',
              '--reason',
              'Not on the M-Pesa statement',
              ...where,
              ...asOfficer,
            ];
        const resolved = await finish(args, 'runs resolve');
        if (resolved.child.exitCode !== 0) throw new Error(`runs resolve ${item.itemId} failed: ${resolved.stderr}`);
        if (paid) person.resolvedPaid += 1;
        else person.resolvedFailed += 1;
        log(`person: item ${item.itemId} ${paid ? `paid ${paid.receipt}` : 'failed'}`);
      }
      if (countFailedItems(profileDb) > 0) {
        await askForRetry();
        final = await finish(retryArgs, 'a retry after the work list');
        person.retries += 1;
      }
    }
    await simulator.callbacksIdle();
    const finalExitCode = final.child.exitCode;
    const running = relay;
    relay = undefined;
    const relayFacts = running && (await readRelayFacts(running, relayDir));
    const database = readDatabaseFacts(profileDb);
    const touched = new Set(database.latestAttempts.filter((a) => a.resolvedBy !== null).map((a) => a.itemId));
    for (const item of beforePerson.items) if (item.state !== 'paid') touched.add(item.id);
    return {
      failures: simulator.failures().map((f) => ({
        party: f.party,
        originatorConversationId: f.originatorConversationId,
        code: String(f.resultCode),
      })),
      retryLives,
      outageLives,
      beforePerson,
      person,
      settledWithoutPerson: (lines.length - touched.size) / lines.length,
      lines,
      payments: simulator.payments(),
      killsWhilePaying,
      kills,
      lives,
      finalExitCode,
      finalStderr: final.stderr,
      seconds: (Date.now() - started) / 1000,
      database,
      ...(relayFacts ? { relay: relayFacts } : {}),
    };
  } finally {
    await relay?.close();
    await keyring?.stop();
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Closes the relay, then reads its database: event ids as handed to the desktop, and their acknowledgement. */
async function readRelayFacts(relay: RunningRelay, relayDir: string): Promise<NonNullable<CrashOutcome['relay']>> {
  await relay.close();
  const db = new Database(join(relayDir, 'relay.sqlite'), { readonly: true });
  try {
    return db
      .prepare('SELECT seq, id, delivered_at IS NOT NULL AS acknowledged FROM events ORDER BY seq')
      .all()
      .map((row) => {
        const { seq, id, acknowledged } = row as { seq: number; id: string; acknowledged: number };
        return { seq, id, acknowledged: acknowledged === 1 };
      });
  } finally {
    db.close();
  }
}

export function readDatabaseFacts(file: string): DatabaseFacts {
  const db = openDatabase(file);
  try {
    return {
      runs: db.prepare('SELECT id, state FROM payroll_runs ORDER BY id').all() as DatabaseFacts['runs'],
      items: db
        .prepare('SELECT id, phone, amount_cents AS amountCents, state FROM payroll_items ORDER BY id')
        .all() as DatabaseFacts['items'],
      latestAttempts: db
        .prepare(
          `SELECT a.item_id AS itemId, a.state, a.result_code AS resultCode, a.needs_attention AS needsAttention, a.attention_reason AS attentionReason, a.resolved_by AS resolvedBy
             FROM payout_attempts a WHERE a.id = (SELECT max(id) FROM payout_attempts WHERE item_id = a.item_id) ORDER BY a.item_id`,
        )
        .all() as DatabaseFacts['latestAttempts'],
      openFindings: db.prepare('SELECT count(*) FROM payout_findings WHERE cleared_at IS NULL').pluck().get() as number,
      unresolvedAttempts: db
        .prepare(
          `SELECT id, state, phone, status_queries AS statusQueries, needs_attention AS needsAttention, unknown_reason AS unknownReason
             FROM payout_attempts WHERE state IN ('created', 'sending', 'accepted', 'unknown') ORDER BY id`,
        )
        .all() as DatabaseFacts['unresolvedAttempts'],
      succeededAttempts: db
        .prepare(
          "SELECT originator_conversation_id AS originatorConversationId, receipt, phone, amount_cents AS amountCents FROM payout_attempts WHERE state = 'succeeded'",
        )
        .all() as DatabaseFacts['succeededAttempts'],
      // The current ledger: original rows no later row corrects, and corrections themselves.
      ledger: db
        .prepare(
          `SELECT receipt, phone, amount_cents AS amountCents, attempt_id AS attemptId FROM transactions t
            WHERE kind = 'b2c_payment' AND status = 'completed' AND direction = 'out'
              AND NOT EXISTS (SELECT 1 FROM transactions c WHERE c.corrects_id = t.id)`,
        )
        .all() as DatabaseFacts['ledger'],
      auditChain: verifyAuditChain(db),
      inboxEventIds: db.prepare('SELECT event_id FROM inbox WHERE event_id IS NOT NULL').pluck().all() as string[],
      relayCursor: (db.prepare('SELECT cursor FROM relay_cursor').pluck().get() as string | undefined) ?? null,
      inboxBySource: Object.fromEntries(
        (
          db.prepare('SELECT source, count(*) AS n FROM inbox GROUP BY source').all() as Array<{
            source: string;
            n: number;
          }>
        ).map((r) => [r.source, r.n]),
      ),
    };
  } finally {
    closeDatabase(db);
  }
}

/**
 * Where the engine left each line before any person acted: paid, failed on M-Pesa's evidence, or
 * on the work list saying why. Anything else is a line the engine stranded or settled on a guess.
 */
export function settlementProblems(facts: DatabaseFacts): string[] {
  const problems: string[] = [];
  const latest = new Map(facts.latestAttempts.map((a) => [a.itemId, a]));
  for (const item of facts.items) {
    const attempt = latest.get(item.id);
    if (item.state === 'paid') continue;
    if (attempt === undefined) {
      problems.push(`line ${item.id} (${item.phone}) is ${item.state} and was never sent`);
    } else if (item.state === 'failed') {
      if (attempt.state !== 'failed' && attempt.state !== 'rejected')
        problems.push(`line ${item.id} is failed but its attempt is ${attempt.state}`);
      else if (attempt.resultCode === null || attempt.resultCode.startsWith('mshahara.'))
        problems.push(`line ${item.id} failed without M-Pesa's evidence (${String(attempt.resultCode)})`);
    } else if (item.state === 'paying') {
      if (attempt.needsAttention !== 1 || attempt.attentionReason === null)
        problems.push(`line ${item.id} is left ${attempt.state}, neither settled nor on the work list`);
    } else {
      problems.push(`line ${item.id} is ${item.state}`);
    }
  }
  return problems;
}

/** Every way the outcome breaks the promise, in words; empty when nobody was paid twice or skipped. */
export function exactlyOnceProblems(outcome: CrashOutcome): string[] {
  const problems: string[] = [];
  const expected = new Map(outcome.lines.map((l) => [l.phone, l.amountCents]));
  const paidTimes = new Map<string, number>();
  for (const payment of outcome.payments) {
    paidTimes.set(payment.party, (paidTimes.get(payment.party) ?? 0) + 1);
    const amount = expected.get(payment.party);
    if (amount === undefined) problems.push(`${payment.party} was paid but is not in the payroll`);
    else if (amount !== payment.amountCents)
      problems.push(`${payment.party} was paid ${payment.amountCents} cents instead of ${amount}`);
  }
  for (const [phone, times] of paidTimes) if (times > 1) problems.push(`${phone} was paid ${times} times`);
  for (const phone of expected.keys()) if (!paidTimes.has(phone)) problems.push(`${phone} was never paid`);

  const db = outcome.database;
  if (db.runs.length !== 1)
    problems.push(`${db.runs.length} payroll runs exist for one file (a restart must resume the same run)`);
  for (const run of db.runs)
    if (run.state !== 'completed') problems.push(`run #${run.id} is ${run.state}, not completed`);
  const notPaid = db.items.filter((i) => i.state !== 'paid');
  if (notPaid.length > 0)
    problems.push(`${notPaid.length} items are not paid locally (e.g. ${notPaid[0]?.phone} ${notPaid[0]?.state})`);
  if (db.items.length !== outcome.lines.length)
    problems.push(`${db.items.length} items in the run for ${outcome.lines.length} lines`);
  for (const a of db.unresolvedAttempts) {
    const why = a.needsAttention === 1 ? `, waiting for a person after ${a.statusQueries} status queries` : '';
    problems.push(
      `attempt ${a.id} for ${a.phone} is left ${a.state}${why}${a.unknownReason ? ` (${a.unknownReason})` : ''}`,
    );
  }

  // The local ledger equals the simulator's list to the cent: same receipts, amounts and numbers.
  const ledgerByReceipt = new Map(db.ledger.map((row) => [row.receipt, row]));
  if (db.ledger.length !== ledgerByReceipt.size) problems.push('the ledger holds one receipt more than once');
  for (const payment of outcome.payments) {
    const row = ledgerByReceipt.get(payment.receipt);
    if (row === undefined) problems.push(`receipt ${payment.receipt} (${payment.party}) is missing from the ledger`);
    else if (row.amountCents !== payment.amountCents || row.phone !== payment.party) {
      problems.push(
        `receipt ${payment.receipt}: ledger says ${row.phone} ${row.amountCents}, M-Pesa ${payment.party} ${payment.amountCents}`,
      );
    }
  }
  const simulatorReceipts = new Set(outcome.payments.map((p) => p.receipt));
  for (const row of db.ledger)
    if (!simulatorReceipts.has(row.receipt)) problems.push(`ledger receipt ${row.receipt} was never paid by M-Pesa`);
  const ledgerCents = db.ledger.reduce((sum, r) => sum + r.amountCents, 0);
  const paidCents = outcome.payments.reduce((sum, p) => sum + p.amountCents, 0);
  if (ledgerCents !== paidCents) problems.push(`ledger total ${ledgerCents} cents, M-Pesa paid ${paidCents} cents`);

  // Each payment M-Pesa made is the one attempt that recorded its OriginatorConversationID and receipt.
  const attemptByOriginator = new Map(db.succeededAttempts.map((a) => [a.originatorConversationId, a]));
  for (const payment of outcome.payments) {
    const attempt = attemptByOriginator.get(payment.originatorConversationId);
    if (attempt === undefined)
      problems.push(
        `M-Pesa paid ${payment.party} for ${payment.originatorConversationId}, which no succeeded attempt holds`,
      );
    else if (attempt.receipt !== payment.receipt)
      problems.push(
        `attempt ${payment.originatorConversationId} holds receipt ${attempt.receipt}, M-Pesa ${payment.receipt}`,
      );
  }
  if (!db.auditChain.ok) problems.push(`audit chain broken at row ${db.auditChain.brokenAt}: ${db.auditChain.reason}`);
  if (db.openFindings > 0) problems.push(`${db.openFindings} findings (money that moved against the record) are open`);
  return problems;
}
