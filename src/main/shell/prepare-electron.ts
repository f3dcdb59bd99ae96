// `npm start`'s prestart: builds (once) the Electron copy of better-sqlite3's native binding, so
// the desktop app opens its database on a fresh machine whether or not `npm test` ran first.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareElectronSqlite, type NativeSqliteTarget, type PrepareCollaborators } from './native-sqlite';

const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));

function versionOf(packageName: string): string {
  return (
    JSON.parse(readFileSync(join(projectRoot, 'node_modules', packageName, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
}

export function currentTarget(): NativeSqliteTarget {
  return {
    projectRoot,
    electronVersion: versionOf('electron'),
    sqliteVersion: versionOf('better-sqlite3'),
    platform: process.platform,
    arch: process.arch,
  };
}

const sqlitePackage = join(projectRoot, 'node_modules', 'better-sqlite3');

export const machine: PrepareCollaborators = {
  exists: existsSync,
  copyPackage: (into) =>
    cp(sqlitePackage, into, { recursive: true, filter: (source) => !source.startsWith(join(sqlitePackage, 'build')) }),
  run: (command, args, cwd) =>
    new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd, stdio: 'inherit' });
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`${args[0] ?? command} exited with ${code}`)),
      );
    }),
  install: async (built, binding) => {
    await mkdir(dirname(binding), { recursive: true });
    // Copy beside the target, then rename: a crash never leaves half a binding in place.
    const partial = `${binding}.partial`;
    await cp(built, partial);
    await rename(partial, binding);
  },
  scratchFolder: () => mkdtemp(join(tmpdir(), 'mshahara-electron-sqlite-')),
  removeScratch: (folder) => rm(folder, { recursive: true, force: true }),
  log: (message) => process.stdout.write(`${message}\n`),
};

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  prepareElectronSqlite(currentTarget(), machine).then(
    ({ binding, outcome }) => {
      if (outcome !== 'already-there') process.stdout.write(`better-sqlite3 for Electron is ready: ${binding}\n`);
    },
    (error: unknown) => {
      process.stderr.write(
        `Mshahara could not prepare better-sqlite3 for Electron: ${error instanceof Error ? error.message : String(error)}\n` +
          'It needs either internet access (to fetch the prebuilt binary) or a C++ toolchain (Python 3, make and a compiler; on Windows the Visual Studio Build Tools).\n',
      );
      process.exit(1);
    },
  );
}
