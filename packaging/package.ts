// `npm run package` (installers for this system) and `npm run package:all` (Windows, macOS and
// Linux): makes the icon set, runs electron-builder with electron-builder.config.ts, and puts the
// Node builds of the native modules back afterwards, so `npm test` still runs after packaging.
import { cp, mkdir, rename, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, createTargets, Platform, type Configuration } from 'electron-builder';
import { iconFolder, nativeModules, packagingConfig } from '../electron-builder.config';
import { makeIconSet } from './icons';

const projectDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * electron-builder rebuilds native modules for Electron inside node_modules, where the tests need
 * them built for Node. Keeps each module's build folder aside; `restore` puts it back.
 */
export async function keepNodeBuilds(root: string, modules: readonly string[]): Promise<{ restore(): Promise<void> }> {
  const keep = join(root, '.scratch', 'node-builds');
  await rm(keep, { recursive: true, force: true });
  const kept: string[] = [];
  for (const name of modules) {
    const buildFolder = join(root, 'node_modules', name, 'build');
    if (!existsSync(buildFolder)) continue;
    await mkdir(keep, { recursive: true });
    await cp(buildFolder, join(keep, name), { recursive: true, verbatimSymlinks: true });
    kept.push(name);
  }
  return {
    async restore() {
      for (const name of kept) {
        const buildFolder = join(root, 'node_modules', name, 'build');
        await rm(buildFolder, { recursive: true, force: true });
        await rename(join(keep, name), buildFolder);
      }
      await rm(keep, { recursive: true, force: true });
    },
  };
}

function electronVersion(): string {
  return (
    JSON.parse(readFileSync(join(projectDir, 'node_modules', 'electron', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { all: { type: 'boolean', default: false }, 'electron-dist': { type: 'string' } },
  });
  // Where Electron cannot be downloaded: an unpacked Electron of the installed version.
  const electronDist = values['electron-dist'] ?? process.env['MSHAHARA_ELECTRON_DIST'];
  const configuration: Configuration = {
    ...packagingConfig(),
    ...(electronDist ? { electronDist: resolve(electronDist), electronVersion: electronVersion() } : {}),
  };
  await makeIconSet(join(projectDir, 'resources', 'icon.svg'), join(projectDir, iconFolder));
  const nodeBuilds = await keepNodeBuilds(projectDir, nativeModules);
  try {
    const platforms = values.all ? [Platform.WINDOWS, Platform.MAC, Platform.LINUX] : [Platform.current()];
    const artifacts = await build({
      projectDir,
      config: configuration,
      targets: createTargets(platforms),
      publish: 'never',
    });
    for (const artifact of artifacts) process.stdout.write(`${artifact}\n`);
  } finally {
    await nodeBuilds.restore();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
