// better-sqlite3 for Electron: Electron's Node has its own ABI, so the app loads a copy of the
// native binding built for it, kept apart from node_modules (whose Node build the tests use).
// Plain Node: the prestart script builds the copy, the Electron main only asks where it is.
import { join } from 'node:path';

export interface NativeSqliteTarget {
  projectRoot: string;
  electronVersion: string;
  sqliteVersion: string;
  platform: NodeJS.Platform;
  arch: string;
}

/** One folder per better-sqlite3 × Electron × platform × arch: an upgrade of either builds anew. */
export function electronSqliteFolder(target: NativeSqliteTarget): string {
  return join(
    target.projectRoot,
    '.electron-native',
    `better-sqlite3-${target.sqliteVersion}-electron-${target.electronVersion}-${target.platform}-${target.arch}`,
  );
}

export function electronSqliteBinding(target: NativeSqliteTarget): string {
  return join(electronSqliteFolder(target), 'better_sqlite3.node');
}

/** What preparing needs from the machine; tests pass their own. */
export interface PrepareCollaborators {
  exists(path: string): boolean;
  /** Copies the better-sqlite3 package (sources, no build output) into a scratch folder. */
  copyPackage(into: string): Promise<void>;
  /** Runs a command in a folder; rejects when it fails. */
  run(command: string, args: string[], cwd: string): Promise<void>;
  /** Moves the built binding from the scratch folder to its place (rename: never half a file). */
  install(builtBinding: string, binding: string): Promise<void>;
  scratchFolder(): Promise<string>;
  removeScratch(folder: string): Promise<void>;
  log(message: string): void;
}

export type PrepareOutcome = 'already-there' | 'prebuilt' | 'built-from-source';

/**
 * Makes sure the Electron build of better-sqlite3 exists: a ready one is kept; otherwise the
 * published prebuilt binary for this Electron is fetched (prebuild-install), and when none exists
 * it is compiled from source against Electron's headers (node-gyp).
 */
export async function prepareElectronSqlite(
  target: NativeSqliteTarget,
  machine: PrepareCollaborators,
): Promise<{ binding: string; outcome: PrepareOutcome }> {
  const binding = electronSqliteBinding(target);
  if (machine.exists(binding)) return { binding, outcome: 'already-there' };
  const scratch = await machine.scratchFolder();
  try {
    await machine.copyPackage(scratch);
    const built = join(scratch, 'build', 'Release', 'better_sqlite3.node');
    const node = process.execPath;
    let outcome: PrepareOutcome = 'prebuilt';
    try {
      machine.log(
        `Fetching better-sqlite3 ${target.sqliteVersion} built for Electron ${target.electronVersion} (${target.platform}-${target.arch})…`,
      );
      await machine.run(
        node,
        [
          join(target.projectRoot, 'node_modules', 'prebuild-install', 'bin.js'),
          '--runtime',
          'electron',
          '--target',
          target.electronVersion,
          '--platform',
          target.platform,
          '--arch',
          target.arch,
        ],
        scratch,
      );
      if (!machine.exists(built)) throw new Error('prebuild-install left no binding');
    } catch (error) {
      machine.log(
        `No prebuilt binary (${error instanceof Error ? error.message : String(error)}); compiling better-sqlite3 for Electron ${target.electronVersion}…`,
      );
      outcome = 'built-from-source';
      await machine.run(
        node,
        [
          join(target.projectRoot, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
          'rebuild',
          '--release',
          '--runtime=electron',
          `--target=${target.electronVersion}`,
          `--arch=${target.arch}`,
          '--dist-url=https://electronjs.org/headers',
        ],
        scratch,
      );
      if (!machine.exists(built)) throw new Error(`Compiling better-sqlite3 for Electron left no ${built}`);
    }
    await machine.install(built, binding);
    return { binding, outcome };
  } finally {
    await machine.removeScratch(scratch);
  }
}
