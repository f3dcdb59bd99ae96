// A payer process for the engine crash test: opens the profile database, receives callbacks on a
// fixed loopback port, and pays the run until it is final. The test SIGKILLs it at random moments.
import { DarajaClient } from '../../../../../src/main/daraja';
import { openDatabase } from '../../../../../src/main/db';
import { LoopbackReceiver } from '../../../../../src/main/callback-sources/loopback';
import { PayoutEngine } from '../../../../../src/main/payroll/engine';

const [dbPath, baseUrl, callbackPort, runId, configJson] = process.argv.slice(2);
const config = JSON.parse(configJson!) as {
  consumerKey: string;
  consumerSecret: string;
  shortcode: string;
  initiatorName: string;
  initiatorPassword: string;
  certificatePem: string;
};

const db = openDatabase(dbPath!);
const receiver = new LoopbackReceiver(db, { port: Number(callbackPort) });
await receiver.start();
const client = new DarajaClient({ name: 'crash-test', baseUrl: baseUrl!, ...config });
const engine = new PayoutEngine({
  db,
  client,
  source: receiver,
  shortcode: config.shortcode,
  rate: 30,
  concurrency: 10,
  resultTimeoutMs: 500,
  statusQueryRate: 30,
  maxStatusQueries: 50,
});
await engine.start();
process.stdout.write('started\n');
const state = (db.prepare('SELECT state FROM payroll_runs WHERE id = ?').get(Number(runId)) as { state: string }).state;
if (state === 'approved') await engine.startRun(Number(runId), 'crash-test');
const done = await engine.waitUntilFinal(Number(runId));
await engine.stop();
process.stdout.write(`final ${JSON.stringify(done.counts)} attention ${done.needsAttention}\n`);
await receiver.stop();
await client.close();
db.close();
