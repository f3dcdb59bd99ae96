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
  const sources = Math.max(
    newestChange(join(projectRoot, 'src', 'renderer')),
    newestChange(join(projectRoot, 'src', 'shared')),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  // Only the renderer, with the settings electron-vite gives it (relative base, out/renderer), so a
  // main-process change in progress elsewhere cannot stop the screens from being tested.
  const [{ build }, { default: react }] = await Promise.all([import('vite'), import('@vitejs/plugin-react')]);
  await build({
    root: join(projectRoot, 'src', 'renderer'),
    base: './',
    configFile: false,
    logLevel: 'warn',
    plugins: [react()],
    build: {
      outDir: join(projectRoot, 'out', 'renderer'),
      emptyOutDir: true,
      rollupOptions: { input: join(projectRoot, 'src', 'renderer', 'index.html') },
    },
  });
}
