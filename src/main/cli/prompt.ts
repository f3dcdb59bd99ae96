// Asks a person on the terminal: a secret without echoing it, or a yes/no confirmation. Only used
// when stdin is a TTY. Secrets never come as flags, which would land in the shell history.
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';

export async function askHidden(question: string, input: NodeJS.ReadableStream, output: Writable): Promise<string> {
  output.write(question);
  let muted = false;
  // readline echoes what is typed through this stream; after the question, swallow the echo.
  const silent = new (await import('node:stream')).Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      if (!muted) output.write(chunk);
      callback();
    },
  });
  const rl = createInterface({ input, output: silent, terminal: true });
  muted = true;
  try {
    return await new Promise<string>((resolve) => rl.question('', (answer) => resolve(answer.trim())));
  } finally {
    rl.close();
    output.write('\n');
  }
}

/** Asks a yes/no question on the terminal; only "y" or "yes" is a yes. */
export async function askYesNo(question: string, input: NodeJS.ReadableStream, output: Writable): Promise<boolean> {
  const rl = createInterface({ input, output, terminal: true });
  try {
    const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
    return /^(y|yes)$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
