// `npm start` prepares an Electron build of better-sqlite3 beside node_modules (the tests keep the
// Node build): kept when there, fetched prebuilt, or compiled when no prebuilt binary exists.
import { describe, expect, it } from 'vitest';
import {
  electronSqliteBinding,
  prepareElectronSqlite,
  type NativeSqliteTarget,
  type PrepareCollaborators,
} from '../../../src/main/shell/native-sqlite';

const target: NativeSqliteTarget = {
  projectRoot: '/app',
  electronVersion: '45.4.1',
  sqliteVersion: '12.6.2',
  platform: 'linux',
  arch: 'x64',
};

/** A machine whose files are a set; `run` succeeds by creating the binding, or fails. */
function machine(options: { existing?: string[]; prebuilt: boolean; compiles: boolean }) {
  const files = new Set(options.existing ?? []);
  const ran: string[] = [];
  const removed: string[] = [];
  const collaborators: PrepareCollaborators = {
    exists: (path) => files.has(path),
    copyPackage: async () => undefined,
    run: async (_command, args, cwd) => {
      const tool = args[0]?.includes('prebuild-install') ? 'prebuild-install' : 'node-gyp';
      ran.push(`${tool} ${args.slice(1).join(' ')}`);
      const works = tool === 'prebuild-install' ? options.prebuilt : options.compiles;
      if (!works) throw new Error(`${tool} failed`);
      files.add(`${cwd}/build/Release/better_sqlite3.node`);
    },
    install: async (built, binding) => {
      expect(files.has(built)).toBe(true);
      files.add(binding);
    },
    scratchFolder: async () => '/tmp/scratch',
    removeScratch: async (folder) => void removed.push(folder),
    log: () => undefined,
  };
  return { collaborators, files, ran, removed };
}

describe('prepareElectronSqlite', () => {
  it('keeps its binding per better-sqlite3, Electron, platform and arch, outside node_modules', () => {
    expect(electronSqliteBinding(target)).toBe(
      '/app/.electron-native/better-sqlite3-12.6.2-electron-45.4.1-linux-x64/better_sqlite3.node',
    );
    expect(electronSqliteBinding({ ...target, electronVersion: '46.0.0' })).not.toBe(electronSqliteBinding(target));
  });

  it('does nothing when the Electron build is already there (npm start again, or after npm test)', async () => {
    const m = machine({ existing: [electronSqliteBinding(target)], prebuilt: true, compiles: true });
    expect(await prepareElectronSqlite(target, m.collaborators)).toEqual({
      binding: electronSqliteBinding(target),
      outcome: 'already-there',
    });
    expect(m.ran).toEqual([]);
  });

  it('fetches the prebuilt binary for this Electron on a fresh machine', async () => {
    const m = machine({ prebuilt: true, compiles: false });
    expect((await prepareElectronSqlite(target, m.collaborators)).outcome).toBe('prebuilt');
    expect(m.ran).toEqual(['prebuild-install --runtime electron --target 45.4.1 --platform linux --arch x64']);
    expect(m.files.has(electronSqliteBinding(target))).toBe(true);
    expect(m.removed).toEqual(['/tmp/scratch']);
  });

  it('compiles against Electron’s headers when no prebuilt binary exists', async () => {
    const m = machine({ prebuilt: false, compiles: true });
    expect((await prepareElectronSqlite(target, m.collaborators)).outcome).toBe('built-from-source');
    expect(m.ran[1]).toBe(
      'node-gyp rebuild --release --runtime=electron --target=45.4.1 --arch=x64 --dist-url=https://electronjs.org/headers',
    );
    expect(m.files.has(electronSqliteBinding(target))).toBe(true);
  });

  it('fails plainly, leaving no binding and no scratch folder, when neither works', async () => {
    const m = machine({ prebuilt: false, compiles: false });
    await expect(prepareElectronSqlite(target, m.collaborators)).rejects.toThrow('node-gyp failed');
    expect(m.files.has(electronSqliteBinding(target))).toBe(false);
    expect(m.removed).toEqual(['/tmp/scratch']);
  });
});
