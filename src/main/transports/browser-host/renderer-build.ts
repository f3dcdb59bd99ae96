// Makes sure a built renderer exists before the browser host serves it: builds it with the
// project's own electron-vite configuration when out/renderer is missing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { logger } from '../../log';

const log = logger('browser-host');

/** Returns the renderer folder under `projectRoot`, building it first if it is not there. */
export async function ensureRendererBuilt(projectRoot: string): Promise<string> {
  const rendererDir = join(projectRoot, 'out', 'renderer');
  if (existsSync(join(rendererDir, 'index.html'))) return rendererDir;
  log.info({ rendererDir }, 'no built renderer yet; building it (npm run build)');
  // Loaded only when needed: the build tool is a development dependency.
  const { build } = await import('electron-vite');
  await build({ root: projectRoot, logLevel: 'warn' });
  return rendererDir;
}
