// The simulator CLI as its own process: options are applied, the base URL and credentials are
// printed, it is driven over /simulator/*, and it stops cleanly on SIGTERM.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from 'undici';

const root = fileURLToPath(new URL('../..', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'mshahara-simulator-cli-'));
let child: ChildProcessWithoutNullStreams | null = null;

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(folder, { recursive: true, force: true });
});

function waitForLine(process: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    process.stdout.setEncoding('utf8');
    process.stdout.on('data', (chunk: string) => {
      output += chunk;
      const match = pattern.exec(output);
      if (match) resolve(match);
    });
    process.once('exit', (code) => reject(new Error(`simulator exited with ${code}: ${output}`)));
  });
}

describe('simulator CLI', () => {
  it('starts with the given options, answers, and stops on SIGTERM', async () => {
    const customers = join(folder, 'customers.csv');
    writeFileSync(customers, 'phone,name\n0722000444,Otieno Omondi\n');
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/simulator/cli.ts',
        '--port',
        '0',
        '--seed',
        '4',
        '--float',
        '12,345.50',
        '--customers',
        customers,
        '--consumer-key',
        'cli-key',
        '--fault',
        'callback-delay=5-10',
        '--fault',
        'error-after=0.25',
        '--realistic',
        '--status-not-found-code',
        'R000002',
        '--fault',
        'fail-payee=0.1',
        '--state',
        join(folder, 'state.sqlite'),
        '--log-level',
        'silent',
      ],
      { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const [, baseUrl] = await waitForLine(child, /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*certificate/);
    const faults = await request(`${baseUrl}/simulator/faults`, { method: 'POST', body: '{}' });
    expect(await faults.body.json()).toMatchObject({
      callbackDelayMs: { min: 5, max: 10 },
      errorAfter: 0.25,
      processingLagMs: { min: 100, max: 1500 },
      echoOriginatorId: false,
      statusNotFoundCode: 'R000002',
      failPayee: 0.1,
    });
    expect(existsSync(join(folder, 'state.sqlite'))).toBe(true);
    const basic = Buffer.from('cli-key:mshahara-simulator-consumer-secret').toString('base64');
    const token = await request(`${baseUrl}/oauth/v1/generate?grant_type=client_credentials`, {
      headers: { authorization: `Basic ${basic}` },
    });
    expect(token.statusCode).toBe(200);
    await token.body.dump();
    const added = await request(`${baseUrl}/simulator/customers`, {
      method: 'POST',
      body: JSON.stringify({ customers: [{ msisdn: '254722000555', name: 'Chebet' }] }),
    });
    expect(await added.body.json()).toEqual({ added: 1 });
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('explains itself with --help', async () => {
    const help = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/cli.ts', '--help'], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const [usage] = await waitForLine(help, /Usage:[\s\S]*--help\n/);
    expect(usage).toContain('--open-registry');
  });
});
