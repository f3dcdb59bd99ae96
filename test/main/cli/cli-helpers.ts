// Runs the CLI in this process with captured output, a private data folder and keychain.
import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../../src/main/cli';
import type { SecretStore } from '../../../src/main/secrets/secret-store';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function cli(argv: string[], options: { secrets: SecretStore; env?: NodeJS.ProcessEnv; stdin?: string }): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  let outText = '';
  let errText = '';
  out.on('data', (chunk: Buffer) => (outText += chunk.toString('utf8')));
  err.on('data', (chunk: Buffer) => (errText += chunk.toString('utf8')));
  const code = await runCli(argv, { out, err, input: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]), env: options.env ?? {} }, { secrets: () => options.secrets });
  return { code, out: outText, err: errText };
}
