// `npm run start:browser`: runs Mshahara's core in Node and serves the renderer to a browser on
// 127.0.0.1 with the contract over a WebSocket. Prints the one address, token included.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { appInfoHandlers } from './host/app-info';
import { ensureRendererBuilt } from './host/renderer-build';
import { startBrowserHost } from './host/server';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a port number (0 picks a free one), not "${values.port}".`);
  }
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const rendererDir = await ensureRendererBuilt(projectRoot);
  // The profile becomes a setting with the profile issue; until then the host runs the demo.
  const host = await startBrowserHost({ rendererDir, port, handlers: { ...appInfoHandlers({ version, profile: 'demo', mode: 'browser' }) } });
  process.stdout.write(`Mshahara is at ${host.url}\n`);

  const stop = (): void => {
    void host.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
