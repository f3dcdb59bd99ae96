// `npm run start:browser`: runs Mshahara's core in Node and serves the renderer to a browser on
// 127.0.0.1 with the contract over a WebSocket. Prints the one address, token included.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { lazySecretStore, startApi } from '../../composition/start';
import { nameThisProgram } from '../../composition/profile-lock';
import { ensureRendererBuilt } from './renderer-build';
import { startBrowserHost } from './server';
import { dataFolder } from '../../profiles';
import { KeytarSecretStore } from '../../secrets/keytar-store';

const projectRoot = fileURLToPath(new URL('../../../..', import.meta.url));

async function main(): Promise<void> {
  nameThisProgram(`the browser host ("npm run start:browser")`);
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a port number (0 picks a free one), not "${values.port}".`);
  }
  const { version } = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  const rendererDir = await ensureRendererBuilt(projectRoot);
  // The data folder is MSHAHARA_DATA_DIR when set (tests give each run a fresh one).
  const api = await startApi({
    mode: 'browser',
    version,
    dataRoot: dataFolder(),
    secrets: lazySecretStore(() => new KeytarSecretStore()),
  });
  const host = await startBrowserHost({ rendererDir, port, api });
  const stopEvents = api.events.on((event, payload) => {
    host.publish(event, payload);
    // Demo payments go to the in-process simulator; its /simulator/payments is the ground truth.
    const simulator = event === 'profile.changed' ? api.session.current?.simulator : undefined;
    if (simulator) process.stdout.write(`Demo simulator at ${simulator.baseUrl}\n`);
  });
  process.stdout.write(`Mshahara is at ${host.url}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    stopEvents();
    // The engine records every answer on the wire before the profile closes (docs/money-safety.md#the-rules).
    void Promise.all([host.close(), api.close()]).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
