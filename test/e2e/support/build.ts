// Builds the renderer before browser tests when any renderer or shared source is newer than the
// last build, so the tests never run against stale screens.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './host';

function newestChange(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export async function buildRendererIfStale(): Promise<void> {
  const built = join(projectRoot, 'out', 'renderer', 'index.html');
  const sources = Math.max(newestChange(join(projectRoot, 'src', 'renderer')), newestChange(join(projectRoot, 'src', 'shared')));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  const { build } = await import('electron-vite');
  await build({ root: projectRoot, logLevel: 'warn' });
}
