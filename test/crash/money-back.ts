// The crash scenario for money going back to customers: refunds (B2C through the payout engine)
// and reversals (the Reversal API) sent by CLI programs that are SIGKILLed at seeded random moments
// against a simulator that loses answers, drops and repeats callbacks, and plays Daraja's
// undocumented behaviours. Customers first pay the business's Pay Bill at the simulator; their
// payments are in the ledger as confirmed C2B rows; the admin asks for a refund of part of some and
// a reversal of others, and an approver approves each (in this process: asking and approving are
// not what is being killed). Then each life is an approver's program that sends and settles
// (`refunds approve <id>`, `reversals recover`), killed until enough kills landed, then left to
// finish. The checks read the simulator's ground truth: nobody refunded or reversed twice, and the
// ledger equal to it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../src/main/db';
import { verifyAuditChain } from '../../src/main/ledger/audit';
import { recordTransaction } from '../../src/main/ledger/transactions';
import { profileDatabasePath } from '../../src/main/profiles';
import { approveRefund, requestRefund } from '../../src/main/refunds/refunds';
import { approveReversal, requestReversal } from '../../src/main/reversals/requests';
import {
  startSimulator,
  type PaymentRecord,
  type ReversalRecord,
  type RunningSimulator,
  type SimulatorFaults,
} from '../../src/simulator';
import { createRandom } from '../../src/simulator/random';
import { seedPeople, testPassword } from '../helpers/people';
import { startLife, type Life } from './harness';

export interface MoneyBackScenario {
  seed: number;
  /** Customers whose payment is partly refunded, and customers whose payment is reversed. */
  refunds: number;
  reversals: number;
  /** Kills while something was still to send or settle. */
  kills: number;
  faults: Partial<SimulatorFaults>;
  realistic: boolean;
  /** Longest life before its kill. */
  maxLifeMs: number;
  deadlineMs: number;
  log?: (message: string) => void;
}

export interface MoneyBackFacts {
  refunds: Array<{ id: number; phone: string; amountCents: number; state: string }>;
  reversals: Array<{ id: number; originalReceipt: string; state: string; needsAttention: number }>;
  /** Ledger rows of money going back: refunds and reversals, as written. */
  ledger: Array<{ receipt: string | null; kind: string; amountCents: number; phone: string | null }>;
  reversedOriginals: Array<{ receipt: string; via: string; reversalReceipt: string | null }>;
  auditOk: boolean;
}

export interface MoneyBackOutcome {
  /** What the simulator paid out: the refunds (B2C payments). */
  payments: PaymentRecord[];
  /** What the simulator reversed. */
  reversalsMade: ReversalRecord[];
  customers: Array<{ msisdn: string; receipt: string; amountCents: number; asked: 'refund' | 'reversal' }>;
  facts: MoneyBackFacts;
  kills: number;
  lives: number;
  /** Refund lines a person settled from the work list. */
  resolvedByPerson: number;
  seconds: number;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, ms));
}

/** The n-th customer: a Safaricom number the simulator's open registry knows. */
function customerNumber(n: number): string {
  return `2547${String(20_000_000 + n).slice(-8)}`;
}

/** How M-Pesa's C2B v2 confirmation shows the payer: "2547 ***** 149". */
function masked(msisdn: string): string {
  return `${msisdn.slice(0, 4)} ***** ${msisdn.slice(-3)}`;
}

async function customerPays(simulator: RunningSimulator, msisdn: string, amountCents: number): Promise<string> {
  const answer = await fetch(new URL('/simulator/c2b/pay', simulator.baseUrl), {
    method: 'POST',
    body: JSON.stringify({ msisdn, amount: amountCents / 100, accountNumber: 'ORDER' }),
  });
  const body = (await answer.json()) as { receipt?: string };
  if (!answer.ok || body.receipt === undefined) throw new Error(`the customer could not pay: ${JSON.stringify(body)}`);
  return body.receipt;
}

function readFacts(file: string): MoneyBackFacts {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      refunds: db
        .prepare('SELECT id, phone, amount_cents AS amountCents, state FROM refunds ORDER BY id')
        .all() as MoneyBackFacts['refunds'],
      reversals: db
        .prepare(
          'SELECT id, original_receipt AS originalReceipt, state, needs_attention AS needsAttention FROM reversals ORDER BY id',
        )
        .all() as MoneyBackFacts['reversals'],
      ledger: db
        .prepare(
          `SELECT receipt, kind, amount_cents AS amountCents, phone FROM transactions
            WHERE kind IN ('refund', 'reversal') AND status = 'completed' AND corrects_id IS NULL ORDER BY id`,
        )
        .all() as MoneyBackFacts['ledger'],
      reversedOriginals: db
        .prepare(
          `SELECT o.receipt, r.via, t.receipt AS reversalReceipt FROM reversed_originals r
             JOIN transactions o ON o.id = r.original_id
             LEFT JOIN transactions t ON t.id = r.reversal_transaction_id ORDER BY r.original_id`,
        )
        .all() as MoneyBackFacts['reversedOriginals'],
      auditOk: false,
    };
  } finally {
    db.close();
  }
}

function seedAsksAndApprovals(
  db: ProfileDatabase,
  people: Awaited<ReturnType<typeof seedPeople>>,
  customers: MoneyBackOutcome['customers'],
): { refundIds: number[] } {
  const refundIds: number[] = [];
  const admin = { name: people.admin.username, accountId: people.admin.accountId };
  const approver = { name: people.approver.username, accountId: people.approver.accountId };
  for (const [i, customer] of customers.entries()) {
    // As the C2B confirmation writes it once M-Pesa confirmed it: the payer masked (C2B v2).
    const row = db.transaction(() =>
      recordTransaction(db, {
        receipt: customer.receipt,
        occurredAt: new Date(Date.UTC(2026, 10, 30, 9, i)).toISOString(),
        direction: 'in',
        kind: 'c2b_payment',
        status: 'completed',
        amountCents: customer.amountCents,
        phone: null,
        partyName: 'JOHN KAMAU',
        partyDisplay: masked(customer.msisdn),
        accountReference: 'ORDER',
        source: 'c2b_confirmation',
      }),
    )();
    if (customer.asked === 'refund') {
      const id = requestRefund(
        db,
        {
          receipt: customer.receipt,
          amountCents: customer.amountCents / 2,
          reason: 'Half the order was out of stock',
          phone: customer.msisdn,
        },
        admin,
      );
      const approval = approveRefund(db, id, approver);
      if (!approval.send) throw new Error(`refund #${id} was not approved in full`);
      refundIds.push(id);
    } else {
      const reversal = requestReversal(
        db,
        { transactionId: row.id, reason: 'Paid the wrong business' },
        { accountId: people.admin.accountId },
      );
      const approval = approveReversal(db, reversal.id, { accountId: people.approver.accountId });
      if (approval.kind === 'waiting') throw new Error(`reversal #${reversal.id} was not approved in full`);
    }
  }
  return { refundIds };
}

/** Refunds or reversals still to send or settle, by the database: what the next life works on. */
function openWork(file: string): { refunds: number[]; reversals: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    // A refund whose payment waits for a person (the engine could not settle it on evidence) is
    // the person's, not the next program's.
    const refunds = (
      db
        .prepare(
          `SELECT f.id FROM refunds f WHERE f.state IN ('approved', 'sending')
             AND NOT EXISTS (SELECT 1 FROM payout_attempts a WHERE a.item_id = f.item_id AND a.needs_attention = 1
                              AND a.state NOT IN ('succeeded', 'failed', 'rejected'))
           ORDER BY f.id`,
        )
        .all() as Array<{ id: number }>
    ).map((r) => r.id);
    const reversals = db
      .prepare(
        `SELECT count(*) FROM reversals WHERE state IN ('approved', 'sending', 'accepted', 'unknown') AND needs_attention = 0`,
      )
      .pluck()
      .get() as number;
    return { refunds, reversals };
  } finally {
    db.close();
  }
}

export async function runMoneyBackScenario(scenario: MoneyBackScenario): Promise<MoneyBackOutcome> {
  const log = scenario.log ?? (() => undefined);
  const started = Date.now();
  const random = createRandom(scenario.seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'mshahara-money-back-'));
  const simulator = await startSimulator({
    seed: scenario.seed,
    openRegistry: true,
    floatCents: 1_000_000_00,
    realistic: scenario.realistic,
  });
  try {
    const init = startLife(['init', '--profile', 'demo', '--kind', 'demo', '--base-url', simulator.baseUrl], dataDir);
    if ((await init.exited) !== 0) throw new Error(`init failed: ${init.stderr}`);
    const file = profileDatabasePath('demo', dataDir);
    const customers: MoneyBackOutcome['customers'] = [];
    for (let i = 0; i < scenario.refunds + scenario.reversals; i++) {
      const msisdn = customerNumber(i + 1);
      const amountCents = (200 + 10 * i) * 100;
      const receipt = await customerPays(simulator, msisdn, amountCents);
      customers.push({
        msisdn,
        receipt,
        amountCents,
        asked: i % 2 === 0 && i / 2 < scenario.refunds ? 'refund' : 'reversal',
      });
    }
    // M-Pesa has taken every payment before anyone asks for one back.
    for (let waited = 0; simulator.collections().length < customers.length; waited += 50) {
      if (waited > 10_000) throw new Error('the simulator did not take the customers’ payments');
      await delay(50);
    }
    const db = openDatabase(file);
    let people: Awaited<ReturnType<typeof seedPeople>>;
    try {
      people = await seedPeople(db);
      seedAsksAndApprovals(db, people, customers);
    } finally {
      closeDatabase(db);
    }
    // From here on M-Pesa misbehaves.
    simulator.setFaults(scenario.faults);
    const env = { MSHAHARA_PASSWORD: testPassword };
    const where = ['--profile', 'demo', '--base-url', simulator.baseUrl];
    const asApprover = ['--user', people.approver.username];
    const lifeArgs = (work: { refunds: number[]; reversals: number }, turn: number): string[] | null => {
      const refund = work.refunds[turn % Math.max(1, work.refunds.length)];
      const reversalsTurn = work.reversals > 0 && (turn % 2 === 1 || refund === undefined);
      if (reversalsTurn) return ['reversals', 'recover', '--wait', '3', ...where, ...asApprover];
      if (refund !== undefined)
        return ['refunds', 'approve', String(refund), '--result-timeout', '3', ...where, ...asApprover];
      return null;
    };

    let kills = 0;
    let lives = 0;
    for (let turn = 0; kills < scenario.kills; turn++) {
      if (Date.now() - started > scenario.deadlineMs) throw new Error(`deadline passed after ${kills} kills`);
      const args = lifeArgs(openWork(file), turn);
      if (args === null) break;
      const life: Life = startLife(args, dataDir, env);
      lives += 1;
      await Promise.race([delay(random.between(300, scenario.maxLifeMs)), life.exited]);
      if (life.child.exitCode !== null) {
        log(`life ${lives} (${args.slice(0, 3).join(' ')}) exited ${life.child.exitCode} before its kill`);
        continue;
      }
      life.child.kill('SIGKILL');
      await life.exited;
      kills += 1;
      log(
        `kill ${kills}: ${args.slice(0, 3).join(' ')}; M-Pesa refunded ${simulator.payments().length}, reversed ${simulator.reversals().length}`,
      );
    }
    // Left alone, the approver's programs send and settle everything they can on evidence.
    for (let turn = 0; ; turn++) {
      if (Date.now() - started > scenario.deadlineMs)
        throw new Error('the final lives did not settle everything in time');
      const args = lifeArgs(openWork(file), turn);
      if (args === null) break;
      const life = startLife(args, dataDir, env);
      lives += 1;
      const code = await life.exited;
      log(`final life ${lives} (${args.slice(0, 3).join(' ')}) exited ${String(code)}`);
      if (code !== 0 && code !== 1)
        throw new Error(`${args.slice(0, 3).join(' ')} failed (exit ${String(code)}): ${life.stderr}`);
      if (turn > 60) throw new Error(`still open after ${turn} final lives: ${JSON.stringify(openWork(file))}`);
    }
    await simulator.callbacksIdle();
    // A person clears the refunds the engine left for them, from M-Pesa's statement (the simulator's record).
    const waiting = new Database(file, { readonly: true, fileMustExist: true });
    const forPerson = waiting
      .prepare(
        `SELECT a.item_id AS itemId, a.originator_conversation_id AS ocid FROM payout_attempts a
          WHERE a.needs_attention = 1 AND a.state NOT IN ('succeeded', 'failed', 'rejected')`,
      )
      .all() as Array<{ itemId: number; ocid: string }>;
    waiting.close();
    for (const item of forPerson) {
      const paid = simulator.payments().find((p) => p.originatorConversationId === item.ocid);
      const decision = paid ? ['--paid', paid.receipt] : ['--failed'];
      const resolving = startLife(
        [
          'runs',
          'resolve',
          String(item.itemId),
          ...decision,
          '--reason',
          'As the M-Pesa statement shows',
          ...where,
          '--user',
          people.officer.username,
        ],
        dataDir,
        env,
      );
      if ((await resolving.exited) !== 0) throw new Error(`runs resolve ${item.itemId} failed: ${resolving.stderr}`);
      log(`person: refund line ${item.itemId} ${paid ? `paid ${paid.receipt}` : 'failed'}`);
    }
    const facts = readFacts(file);
    const check = openDatabase(file);
    try {
      facts.auditOk = verifyAuditChain(check).ok;
    } finally {
      closeDatabase(check);
    }
    return {
      payments: simulator.payments(),
      reversalsMade: simulator.reversals(),
      customers,
      facts,
      kills,
      lives,
      resolvedByPerson: forPerson.length,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Everything that would break the promise, in words; empty when nobody got money back twice and the ledger equals M-Pesa. */
export function moneyBackProblems(outcome: MoneyBackOutcome): string[] {
  const problems: string[] = [];
  const { facts } = outcome;
  // Refunds: M-Pesa paid each refunded customer at most once, exactly once for each refund the ledger calls paid.
  for (const refund of facts.refunds) {
    const paid = outcome.payments.filter((p) => p.party === refund.phone);
    if (paid.length > 1) problems.push(`refund #${refund.id}: M-Pesa paid ${refund.phone} ${paid.length} times`);
    if (refund.state === 'paid' && paid.length !== 1)
      problems.push(`refund #${refund.id} is paid in Mshahara but M-Pesa paid it ${paid.length} times`);
    if (paid.length === 1 && paid[0]?.amountCents !== refund.amountCents)
      problems.push(`refund #${refund.id}: M-Pesa paid ${paid[0]?.amountCents ?? 0}, asked ${refund.amountCents}`);
    if (paid.length === 1 && refund.state !== 'paid' && refund.state !== 'sending')
      problems.push(`refund #${refund.id} was paid by M-Pesa but Mshahara says ${refund.state}`);
  }
  const refundRows = facts.ledger.filter((row) => row.kind === 'refund');
  const paidReceipts = new Set(outcome.payments.map((p) => p.receipt));
  if (refundRows.length !== new Set(refundRows.map((r) => r.receipt)).size)
    problems.push('a refund receipt is twice in the ledger');
  for (const row of refundRows)
    if (row.receipt === null || !paidReceipts.has(row.receipt))
      problems.push(`ledger refund ${row.receipt ?? '?'} is not M-Pesa's`);
  for (const payment of outcome.payments)
    if (!refundRows.some((row) => row.receipt === payment.receipt))
      problems.push(`M-Pesa's refund ${payment.receipt} to ${payment.party} is not in the ledger`);
  // Reversals: each original reversed at most once by M-Pesa, and the ledger equal to it.
  const byOriginal = new Map<string, number>();
  for (const made of outcome.reversalsMade)
    byOriginal.set(made.originalReceipt, (byOriginal.get(made.originalReceipt) ?? 0) + 1);
  for (const [receipt, times] of byOriginal) if (times > 1) problems.push(`M-Pesa reversed ${receipt} ${times} times`);
  const reversalRows = facts.ledger.filter((row) => row.kind === 'reversal');
  if (reversalRows.length !== new Set(reversalRows.map((r) => r.receipt)).size)
    problems.push('a reversal receipt is twice in the ledger');
  const madeReceipts = new Set(outcome.reversalsMade.map((r) => r.receipt));
  for (const row of reversalRows)
    if (row.receipt === null || !madeReceipts.has(row.receipt))
      problems.push(`ledger reversal ${row.receipt ?? '?'} is not M-Pesa's`);
  for (const made of outcome.reversalsMade) {
    const inLedger = reversalRows.some((row) => row.receipt === made.receipt);
    const known = facts.reversedOriginals.find((o) => o.receipt === made.originalReceipt);
    const waiting = facts.reversals.find((r) => r.originalReceipt === made.originalReceipt && r.needsAttention === 1);
    // Made by M-Pesa: in the ledger, or known reversed with its receipt to be found on the statement,
    // or on an approver's work list: never silently missing.
    if (!inLedger && known === undefined && waiting === undefined)
      problems.push(
        `M-Pesa reversed ${made.originalReceipt} (${made.receipt}) but Mshahara neither recorded it nor lists it for a person`,
      );
  }
  for (const reversal of facts.reversals) {
    if (reversal.state === 'succeeded' && !byOriginal.has(reversal.originalReceipt))
      problems.push(
        `reversal #${reversal.id} succeeded in Mshahara but M-Pesa never reversed ${reversal.originalReceipt}`,
      );
    if (['approved', 'sending', 'accepted'].includes(reversal.state) && reversal.needsAttention === 0)
      problems.push(`reversal #${reversal.id} was left ${reversal.state}`);
  }
  if (!facts.auditOk) problems.push('the audit chain does not hold');
  return problems;
}
