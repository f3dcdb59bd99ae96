// Packages Mshahara for Linux (electron-builder's `dir` target, the layout every Linux installer is
// made from) and inspects what an employer would receive.
//
// What is real: electron-builder with electron-builder.config.ts (files, asar, unpacking, extra
// resources, the afterPack native-module check), this checkout as the project (package.json,
// resources/, the installed production dependencies and their native modules as installed here, and
// test/, bench/ and src/ lying beside them), and electron-vite's bundles of the real sources, built
// into a temporary folder with a .env and a source map planted beside them.
// What stands in: Electron itself. Its binary cannot be downloaded on this machine, so a folder
// with a two-line shell script named `electron` is given as electronDist (with the installed
// electron's version): the package has the stand-in where the Electron executable goes.
// Native modules cannot be built for Electron's ABI here either, so npmRebuild is off: the package
// holds the Node build of better-sqlite3, and the test shows the ABI check refusing it, then checks
// the contents of the package that was laid out before the refusal.
// About 45 s of CPU (electron-vite's build, then electron-builder packing some 11,000 files); the
// hook allows more for a machine busy with other tests.
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as asar from '@electron/asar';
import { Arch, build, Platform } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iconFolder, packagingConfig } from '../../electron-builder.config';
import { iconSetPaths } from '../../packaging/icons';
import { mainBundleSpecifiers } from '../../packaging/main-dependencies';
import { addonBuild, binaryTarget, electronAbi, inspectNativeModules } from '../../packaging/native-abi';
import { resourcesDirectory } from '../../src/main/daraja/certificate';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const electronVersion = (
  JSON.parse(readFileSync(join(projectRoot, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }
).version;
/** Planted in a .env and a source map beside the bundles: it must appear nowhere in the package. */
const plantedSecret = 'consumer-secret-that-must-never-ship-8f2d1c';

let stage: string;
let appOutDir: string;
let resourcesDir: string;
let appFiles: string[];
let refusal: unknown;
let bundles: string;

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`)),
    );
  });
}

function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((total, name) => total + sizeOf(join(path, name)), 0);
}

/** The stand-in for Electron's unpacked distribution (see the top of this file). */
async function standInElectron(): Promise<string> {
  const dist = join(stage, 'electron-stand-in');
  await mkdir(join(dist, 'resources'), { recursive: true });
  await writeFile(
    join(dist, 'electron'),
    '#!/bin/sh\necho "stand-in for the Electron binary, which cannot be downloaded here" >&2; exit 1\n',
  );
  await chmod(join(dist, 'electron'), 0o755);
  await writeFile(join(dist, 'LICENSE'), 'stand-in\n');
  return dist;
}

beforeAll(async () => {
  stage = await mkdtemp(join(tmpdir(), 'mshahara-package-'));
  const electronDist = await standInElectron();
  bundles = join(stage, 'out');
  const started = Date.now();
  // The real bundles, built from this checkout's sources.
  await run(
    process.execPath,
    [join(projectRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--outDir', bundles],
    projectRoot,
  );
  // What a developer's build folder may hold beside the bundles: neither may ship.
  await writeFile(join(bundles, '.env'), `DARAJA_CONSUMER_SECRET=${plantedSecret}\n`);
  await writeFile(join(bundles, 'main', 'index.js.map'), `{"version":3,"sourcesContent":["${plantedSecret}"]}`);
  const bundled = Date.now();
  try {
    await build({
      projectDir: projectRoot,
      targets: Platform.LINUX.createTarget('dir', Arch[process.arch as keyof typeof Arch]),
      publish: 'never',
      config: {
        ...packagingConfig({ bundles }),
        electronDist,
        electronVersion,
        npmRebuild: false,
        directories: { output: join(stage, 'dist') },
      },
    });
  } catch (error) {
    refusal = error;
    process.stdout.write(
      `electron-builder refused the package:\n${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  const packed = Date.now();
  appOutDir = join(stage, 'dist', 'linux-unpacked');
  resourcesDir = join(appOutDir, 'resources');
  appFiles = asar.listPackage(join(resourcesDir, 'app.asar'), { isPack: false }).map((file) => file.replace(/^\//, ''));
  process.stdout.write(
    `Mshahara package (linux-unpacked, stand-in Electron): ${(sizeOf(appOutDir) / 1024 / 1024).toFixed(1)} MiB, app.asar ${(statSync(join(resourcesDir, 'app.asar')).size / 1024 / 1024).toFixed(1)} MiB, app.asar.unpacked ${(sizeOf(join(resourcesDir, 'app.asar.unpacked')) / 1024 / 1024).toFixed(1)} MiB, ${appFiles.length} entries in app.asar; bundles built in ${((bundled - started) / 1000).toFixed(1)} s, packed in ${((packed - bundled) / 1000).toFixed(1)} s\n`,
  );
}, 300_000);

afterAll(async () => {
  if (stage) await rm(stage, { recursive: true, force: true });
});

describe('the native-module check', () => {
  it('refuses the package holding the Node build of better-sqlite3, saying how to build it for Electron', () => {
    expect(refusal).toBeInstanceOf(Error);
    const message = (refusal as Error).message;
    const abi = electronAbi(projectRoot, electronVersion);
    expect(message).toContain(
      `Mshahara was not packaged: its native modules are not ready for Electron ${electronVersion} (ABI ${abi}) on linux-${process.arch}.`,
    );
    expect(message).toContain(
      `node_modules/better-sqlite3/build/Release/better_sqlite3.node is built for ABI ${process.versions.modules}, the ABI of Node ${process.version}`,
    );
    expect(message).toContain('npm run package');
    expect(message).toContain('Visual Studio Build Tools');
    // keytar is Node-API: the same binary loads in Node and in Electron, so it is not named.
    expect(message).not.toContain('keytar');
  });

  it("reads Electron's ABI from the installed electron package", () => {
    expect(electronAbi(projectRoot, electronVersion)).toBe(
      Number(readFileSync(join(projectRoot, 'node_modules', 'electron', 'abi_version'), 'utf8')),
    );
    expect(() => electronAbi(projectRoot, '1.0.0')).toThrow(/install electron@1\.0\.0/);
  });

  it('passes a package whose addons are built for Electron or Node-API, and names a native module left without one or built for another system', async () => {
    const abi = electronAbi(projectRoot, electronVersion);
    const linux = { platform: 'linux', arch: process.arch };
    const binding = join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    /** The packed native modules alone, changed and packed again the way electron-builder packs them. */
    async function repacked(change: (app: string) => Promise<void>): Promise<string> {
      const copy = await mkdtemp(join(stage, 'repacked-'));
      const app = join(copy, 'app');
      for (const file of appFiles.filter((path) => /^node_modules\/(better-sqlite3|keytar)\/.+\.[a-z]+$/.test(path))) {
        await mkdir(dirname(join(app, file)), { recursive: true });
        await writeFile(join(app, file), asar.extractFile(join(resourcesDir, 'app.asar'), file));
      }
      await change(app);
      await asar.createPackageWithOptions(app, join(copy, 'resources', 'app.asar'), { unpack: '*.node' });
      return join(copy, 'resources');
    }
    // better-sqlite3 as a rebuild for Electron leaves it: this very binary with Electron's
    // registration symbol in place of Node's (both ABIs have three digits, so nothing else moves).
    const forElectron = await repacked(async (app) => {
      const bytes = await readFile(join(app, binding));
      const nodeSymbol = `node_register_module_v${process.versions.modules}`;
      const electronSymbol = `node_register_module_v${abi}`;
      expect(electronSymbol.length).toBe(nodeSymbol.length);
      let at = bytes.indexOf(nodeSymbol);
      expect(at).toBeGreaterThan(0);
      for (; at >= 0; at = bytes.indexOf(nodeSymbol, at)) bytes.write(electronSymbol, at, 'latin1');
      await writeFile(join(app, binding), bytes);
    });
    const passed = inspectNativeModules(forElectron, projectRoot, electronVersion, linux);
    expect(passed.findings).toEqual([]);
    expect(passed.addons.map(({ file, build, binary, unpacked }) => ({ file, build, binary, unpacked }))).toEqual([
      {
        file: 'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
        build: { kind: 'abi', abi },
        binary: { platform: 'linux', archs: [process.arch] },
        unpacked: true,
      },
      {
        file: 'node_modules/keytar/build/Release/keytar.node',
        build: { kind: 'node-api' },
        binary: { platform: 'linux', archs: [process.arch] },
        unpacked: true,
      },
    ]);
    // The same Electron-ready binaries in a package for Apple silicon Macs: built for another system.
    expect(
      inspectNativeModules(forElectron, projectRoot, electronVersion, { platform: 'darwin', arch: 'arm64' }).findings,
    ).toEqual([
      {
        file: 'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
        problem: `is a linux-${process.arch} binary in a package for darwin-arm64`,
      },
      {
        file: 'node_modules/keytar/build/Release/keytar.node',
        problem: `is a linux-${process.arch} binary in a package for darwin-arm64`,
      },
    ]);
    // A rebuild that failed and left no binary: the package still packs, the check names it.
    const leftWithout = await repacked((app) => rm(join(app, binding)));
    expect(inspectNativeModules(leftWithout, projectRoot, electronVersion, linux).findings).toEqual([
      {
        file: 'node_modules/better-sqlite3',
        problem: 'has no compiled .node file in the package (its build failed or was left out)',
      },
    ]);
  });

  it('tells ABI-bound builds from Node-API builds by their registration symbol', () => {
    expect(
      addonBuild(
        readFileSync(join(projectRoot, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')),
      ),
    ).toEqual({ kind: 'abi', abi: Number(process.versions.modules) });
    expect(
      addonBuild(readFileSync(join(projectRoot, 'node_modules', 'keytar', 'build', 'Release', 'keytar.node'))),
    ).toEqual({ kind: 'node-api' });
    expect(addonBuild(Buffer.from('just bytes'))).toEqual({ kind: 'unknown' });
  });

  it('tells which system and processor a binary is for from its header', () => {
    expect(
      binaryTarget(readFileSync(join(projectRoot, 'node_modules', 'keytar', 'build', 'Release', 'keytar.node'))),
    ).toEqual({ platform: 'linux', archs: [process.arch] });
    const header = (write: (bytes: Buffer) => void): Buffer => {
      const bytes = Buffer.alloc(256);
      write(bytes);
      return bytes;
    };
    // 64-bit Mach-O for arm64; a universal (fat) Mach-O with x86_64 and arm64 slices.
    const macArm = header((bytes) => {
      bytes.writeUInt32LE(0xfeedfacf, 0);
      bytes.writeUInt32LE(0x0100000c, 4);
    });
    expect(binaryTarget(macArm)).toEqual({ platform: 'darwin', archs: ['arm64'] });
    const universal = header((bytes) => {
      bytes.writeUInt32BE(0xcafebabe, 0);
      bytes.writeUInt32BE(2, 4); // two slices of 20 bytes, each starting with its CPU type
      bytes.writeUInt32BE(0x01000007, 8);
      bytes.writeUInt32BE(0x0100000c, 28);
    });
    expect(binaryTarget(universal)).toEqual({ platform: 'darwin', archs: ['x64', 'arm64'] });
    // A PE DLL for x64: "MZ", the PE header's offset at 0x3c, "PE\0\0", then the machine.
    const windows = header((bytes) => {
      bytes.write('MZ', 0, 'latin1');
      bytes.writeUInt32LE(0x80, 0x3c);
      bytes.write('PE\0\0', 0x80, 'latin1');
      bytes.writeUInt16LE(0x8664, 0x84);
    });
    expect(binaryTarget(windows)).toEqual({ platform: 'win32', archs: ['x64'] });
    expect(binaryTarget(Buffer.alloc(256))).toBeUndefined();
  });
});

describe('the installers', () => {
  // deb, AppImage, NSIS and dmg need tools fetched from the internet (fpm, appimagetool, NSIS) or
  // macOS; what each must be is in the configuration they are made from.
  it('are a per-user NSIS installer, a hardened dmg, and an AppImage and deb that bring libsecret', () => {
    const configuration = packagingConfig({ bundles });
    expect(configuration.nsis).toMatchObject({
      perMachine: false,
      allowElevation: false,
      oneClick: false,
      deleteAppDataOnUninstall: false,
    });
    expect(configuration.win?.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(configuration.mac).toMatchObject({
      hardenedRuntime: true,
      entitlements: 'packaging/entitlements.mac.plist',
    });
    expect(readFileSync(join(projectRoot, 'packaging', 'entitlements.mac.plist'), 'utf8')).toContain(
      '<key>com.apple.security.cs.allow-jit</key>',
    );
    expect(configuration.linux?.target).toEqual(['AppImage', 'deb']);
    expect(configuration.deb?.depends).toContain('libsecret-1-0');
    expect(configuration.linux?.desktop?.entry).toMatchObject({ Name: 'Mshahara', Categories: 'Office;Finance;' });
    // Every target's icon is one of the set packaging/icons.ts makes from resources/icon.svg.
    const icons = iconSetPaths(iconFolder);
    expect([configuration.win?.icon, configuration.mac?.icon, configuration.linux?.icon]).toEqual([
      icons.ico,
      icons.icns,
      icons.pngFolder,
    ]);
  });
});

describe('the package contents', () => {
  it('holds the main, preload and renderer bundles in app.asar', () => {
    expect(appFiles).toContain('out/main/index.js');
    expect(appFiles).toContain('out/preload/index.cjs');
    expect(appFiles).toContain('out/renderer/index.html');
    expect(appFiles.some((file) => /^out\/renderer\/assets\/index-[\w-]+\.js$/.test(file))).toBe(true);
    const manifest = JSON.parse(asar.extractFile(join(resourcesDir, 'app.asar'), 'package.json').toString()) as {
      version: string;
      main: string;
    };
    expect(manifest.version).toBe(
      (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version,
    );
    expect(manifest.main).toBe('./out/main/index.js');
    // The stand-in sits where electron-builder puts the Electron executable, renamed for Mshahara.
    expect(existsSync(join(appOutDir, 'mshahara'))).toBe(true);
  });

  it("keeps Safaricom's certificates, the tariff, limits and prefixes as resources beside the asar", async () => {
    for (const file of [
      'certs/SandboxCertificate.cer',
      'certs/ProductionCertificate.cer',
      'b2c-tariff-2023.json',
      'b2c-limits.json',
      'safaricom-prefixes.json',
      'safaricom-callback-ips.json',
    ]) {
      expect(await readFile(join(resourcesDir, 'resources', file))).toEqual(
        await readFile(join(projectRoot, 'resources', file)),
      );
    }
  });

  it('unpacks the native modules and holds nothing but their .node files from their builds', () => {
    for (const file of [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/keytar/build/Release/keytar.node',
    ]) {
      expect(appFiles).toContain(file);
      expect(asar.statFile(join(resourcesDir, 'app.asar'), file)).toMatchObject({ unpacked: true });
      expect(existsSync(join(resourcesDir, 'app.asar.unpacked', file))).toBe(true);
    }
    const leftovers = appFiles.filter((file) =>
      /^node_modules\/(better-sqlite3|keytar)\/(src|deps|binding\.gyp|build\/(?!Release(\/[^/]+\.node)?$))/.test(file),
    );
    expect(leftovers).toEqual([]);
    expect(
      appFiles.filter((file) =>
        /\.(o|a|mk|gyp|gypi|cc|cpp|h|c|obj|lib|pdb|tlog|d)$|^node_modules\/(better-sqlite3|keytar)\/.*Makefile$/.test(
          file,
        ),
      ),
    ).toEqual([]);
    expect(appFiles).not.toContain('node_modules/better-sqlite3/build/Release/test_extension.node');
  });

  it('holds no tests, benchmarks, sources, .env, keychain, data, source maps or dev dependencies', () => {
    // This checkout's test/, bench/ and src/ lie beside package.json; a .env and a map beside the bundles.
    expect(existsSync(join(projectRoot, 'test')) && existsSync(join(projectRoot, 'bench'))).toBe(true);
    expect(
      appFiles.filter((file) =>
        /^(test|bench|src|resources|packaging|build|dist|\.data|\.local|\.scratch|\.electron-native)(\/|$)/.test(file),
      ),
    ).toEqual([]);
    expect(appFiles.filter((file) => /(^|\/)\.env(\.|$)|\.keyring$|keyrings|\.map$/.test(file))).toEqual([]);
    const packages = new Set(
      appFiles
        .map((file) => /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1])
        .filter((name) => name !== undefined),
    );
    for (const production of [
      'better-sqlite3',
      'bindings',
      'keytar',
      'zod',
      'pino',
      'thread-stream',
      'fastify',
      'exceljs',
    ])
      expect(packages).toContain(production);
    for (const development of [
      'electron',
      'electron-builder',
      'electron-vite',
      'vitest',
      'typescript',
      'vite',
      'eslint',
      'tsx',
      '@resvg/resvg-js',
      'playwright-core',
    ]) {
      expect(packages).not.toContain(development);
    }
    // The renderer's packages are inside its bundle; the binary fetcher only installs.
    for (const bundled of ['react', 'react-dom', '@mantine/core', 'recharts', 'zustand', 'prebuild-install'])
      expect(packages).not.toContain(bundled);
  });

  it('carries the planted secret nowhere, inside the asar or out', () => {
    const archive = readFileSync(join(resourcesDir, 'app.asar'));
    expect(archive.includes(plantedSecret)).toBe(false);
    const outside = readdirSync(appOutDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    for (const entry of outside)
      expect(
        readFileSync(join(entry.parentPath, entry.name)).includes(plantedSecret),
        join(entry.parentPath, entry.name),
      ).toBe(false);
  });
});

describe("the packaged main's module resolution", () => {
  let extracted: string;

  beforeAll(() => {
    // The app as Electron sees it: app.asar's files with app.asar.unpacked's merged in, in the same
    // place beside the resources folder.
    extracted = join(resourcesDir, 'app.extracted');
    asar.extractAll(join(resourcesDir, 'app.asar'), extracted);
  });

  it('resolves every package the main bundle imports, and loads better-sqlite3 and keytar without MSHAHARA_SQLITE_BINDING', async () => {
    const mainFolder = join(extracted, 'out', 'main');
    const imported = mainBundleSpecifiers(join(extracted, 'out'));
    expect(imported).toEqual(expect.arrayContaining(['better-sqlite3', 'keytar', 'pino', 'fastify']));
    // A probe beside the main bundle resolves and loads each as the main does, under plain Node:
    // every package with all it loads is in the package. The Node build of better-sqlite3 that was
    // packed loads here (in Electron the rebuilt one would), which proves the layout.
    const probe = join(mainFolder, 'resolution-probe.mjs');
    await writeFile(
      probe,
      [
        "import { createRequire } from 'node:module';",
        'const require = createRequire(import.meta.url);',
        `const imported = ${JSON.stringify(imported)};`,
        'const resolved = {};',
        'for (const name of imported) { resolved[name] = import.meta.resolve(name); await import(name); }',
        "const Database = (await import('better-sqlite3')).default;",
        "const db = new Database(':memory:');",
        'const stored = db.prepare("select \'KES \' || (1500 * 3) as total").get();',
        "const keytar = (await import('keytar')).default;",
        "const sqliteBinding = require.resolve('better-sqlite3/build/Release/better_sqlite3.node');",
        'process.stdout.write(JSON.stringify({ resolved, stored, keytar: typeof keytar.getPassword, sqliteBinding }));',
      ].join('\n'),
    );
    const env = { ...process.env };
    delete env['MSHAHARA_SQLITE_BINDING'];
    delete env['MSHAHARA_RESOURCES_DIR'];
    delete env['NODE_PATH'];
    const answer = JSON.parse(await run(process.execPath, [probe], tmpdir(), env)) as {
      resolved: Record<string, string>;
      stored: { total: string };
      keytar: string;
      sqliteBinding: string;
    };
    for (const name of imported)
      expect(fileURLToPath(answer.resolved[name]!).startsWith(join(extracted, 'node_modules') + '/'), name).toBe(true);
    expect(answer.stored).toEqual({ total: 'KES 4500' });
    expect(answer.keytar).toBe('function');
    expect(answer.sqliteBinding).toBe(
      join(extracted, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
    );
  });

  it("finds Safaricom's certificates from the packaged main's folder", () => {
    const mainFolder = join(extracted, 'out', 'main');
    const bundle = readdirSync(mainFolder, { recursive: true })
      .map(String)
      .find((file) => file.endsWith('.js') && readFileSync(join(mainFolder, file)).includes('MSHAHARA_RESOURCES_DIR'));
    expect(bundle).toBeDefined();
    const previous = process.env['MSHAHARA_RESOURCES_DIR'];
    delete process.env['MSHAHARA_RESOURCES_DIR'];
    try {
      expect(resourcesDirectory(dirname(join(mainFolder, bundle!)))).toBe(join(resourcesDir, 'resources'));
    } finally {
      if (previous !== undefined) process.env['MSHAHARA_RESOURCES_DIR'] = previous;
    }
  });
});
