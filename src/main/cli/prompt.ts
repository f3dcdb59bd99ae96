// Asks a person for a secret on the terminal without echoing it. Only used when stdin is a TTY:
// secrets never come as flags, which would land in the shell history.
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
