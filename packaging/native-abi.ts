// The native-module check every package passes before it is made into an installer: each `.node`
// file must be unpacked from the asar and built for Electron's ABI and for the package's system and
// processor, and each native package must have one. A rebuild that silently compiled for Node, or
// failed and left nothing, still packs; this is what stops such a package reaching an employer.
import { existsSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import * as asar from '@electron/asar';

/** How a `.node` file says which runtime it was built for: its registration symbol. */
export type AddonBuild = { kind: 'abi'; abi: number } | { kind: 'node-api' } | { kind: 'unknown' };

/**
 * Reads the registration symbol from the file's bytes (ELF, Mach-O and PE keep exported names as
 * plain text): `node_register_module_v<ABI>` for an addon tied to one ABI (better-sqlite3),
 * `napi_register_module_v1` for Node-API, which every runtime with that API loads (keytar).
 */
export function addonBuild(bytes: Uint8Array): AddonBuild {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const abi = /node_register_module_v(\d+)/.exec(text);
  if (abi) return { kind: 'abi', abi: Number(abi[1]) };
  if (text.includes('napi_register_module_v')) return { kind: 'node-api' };
  return { kind: 'unknown' };
}

/** The system and processors a compiled file is for, named as Node names them (process.arch). */
export interface BinaryTarget {
  platform: 'linux' | 'darwin' | 'win32';
  archs: string[];
}

const elfMachines: Record<number, string> = { 0x03: 'ia32', 0x28: 'arm', 0x3e: 'x64', 0xb7: 'arm64' };
const machOCpus: Record<number, string> = { 0x7: 'ia32', 0xc: 'arm', 0x01000007: 'x64', 0x0100000c: 'arm64' };
const peMachines: Record<number, string> = { 0x14c: 'ia32', 0x1c4: 'arm', 0x8664: 'x64', 0xaa64: 'arm64' };

function named(table: Record<number, string>, code: number): string {
  return table[code] ?? `unknown (0x${code.toString(16)})`;
}

/** Reads the file's header: ELF (Linux), Mach-O or universal Mach-O (macOS), PE (Windows). */
export function binaryTarget(bytes: Uint8Array): BinaryTarget | undefined {
  const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (file.length < 64) return undefined;
  if (file.readUInt32BE(0) === 0x7f454c46) {
    const machine = file[5] === 2 ? file.readUInt16BE(18) : file.readUInt16LE(18);
    return { platform: 'linux', archs: [named(elfMachines, machine)] };
  }
  const magic = file.readUInt32LE(0);
  if (magic === 0xfeedfacf || magic === 0xfeedface)
    return { platform: 'darwin', archs: [named(machOCpus, file.readUInt32LE(4))] };
  if (file.readUInt32BE(0) === 0xcafebabe) {
    const count = file.readUInt32BE(4);
    const archs = Array.from({ length: count }, (_, slice) => named(machOCpus, file.readUInt32BE(8 + 20 * slice)));
    return { platform: 'darwin', archs };
  }
  if (file.toString('latin1', 0, 2) === 'MZ') {
    const header = file.readUInt32LE(0x3c);
    if (header + 6 <= file.length && file.toString('latin1', header, header + 4) === 'PE\0\0') {
      return { platform: 'win32', archs: [named(peMachines, file.readUInt16LE(header + 4))] };
    }
  }
  return undefined;
}

/** What a package is for: electron-builder's platform (mas is macOS) and arch names. */
export interface PackageTarget {
  platform: string;
  arch: string;
}

/** The processors each addon must cover: both for a universal macOS app. */
function neededArchs(arch: string): string[] {
  if (arch === 'universal') return ['x64', 'arm64'];
  return [arch === 'armv7l' ? 'arm' : arch];
}

function wrongTarget(built: BinaryTarget | undefined, target: PackageTarget): string | undefined {
  const platform = target.platform === 'mas' ? 'darwin' : target.platform;
  const archs = neededArchs(target.arch);
  if (built === undefined) return `is not a library for ${platform}-${archs.join('+')} (no ELF, Mach-O or PE header)`;
  if (built.platform !== platform || !archs.every((arch) => built.archs.includes(arch))) {
    return `is a ${built.platform}-${built.archs.join('+')} binary in a package for ${platform}-${archs.join('+')}`;
  }
  return undefined;
}

/** Electron's ABI, from the electron package this project installs (present without the binary). */
export function electronAbi(projectDir: string, electronVersion: string): number {
  const electronPackage = join(projectDir, 'node_modules', 'electron');
  const installed = (JSON.parse(readFileSync(join(electronPackage, 'package.json'), 'utf8')) as { version: string })
    .version;
  if (installed !== electronVersion) {
    throw new Error(
      `The package is for Electron ${electronVersion} but node_modules/electron is ${installed}; install electron@${electronVersion} so its ABI is known.`,
    );
  }
  const abi = Number(readFileSync(join(electronPackage, 'abi_version'), 'utf8').trim());
  if (!Number.isInteger(abi) || abi <= 0)
    throw new Error(`node_modules/electron/abi_version does not hold an ABI number.`);
  return abi;
}

export interface NativeModuleFinding {
  /** Path inside the app, e.g. node_modules/better-sqlite3/build/Release/better_sqlite3.node. */
  file: string;
  problem: string;
}

export interface NativeModuleReport {
  electronVersion: string;
  abi: number;
  /** platform-arch the package is for, e.g. linux-x64. */
  target: string;
  /** Every `.node` file in the package, with what it was built for. */
  addons: { file: string; build: AddonBuild; binary: BinaryTarget | undefined; unpacked: boolean }[];
  findings: NativeModuleFinding[];
}

/** Packages in the app's node_modules (from the asar listing) that hold C++ to compile. */
function nativePackages(appFiles: string[], projectDir: string): string[] {
  const names = new Set<string>();
  for (const file of appFiles) {
    const match = /^node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(file);
    if (match?.[1] && existsSync(join(projectDir, 'node_modules', match[1], 'binding.gyp'))) names.add(match[1]);
  }
  return [...names].sort();
}

/**
 * Inspects a packed app: `resourcesDir` holds app.asar and app.asar.unpacked. Returns every addon
 * and every reason the package must not ship; `assertNativeModulesBuiltForElectron` refuses on them.
 */
export function inspectNativeModules(
  resourcesDir: string,
  projectDir: string,
  electronVersion: string,
  target: PackageTarget,
): NativeModuleReport {
  const abi = electronAbi(projectDir, electronVersion);
  const archive = join(resourcesDir, 'app.asar');
  const unpackedFolder = `${archive}.unpacked`;
  // The asar lists unpacked files too (flagged): one listing covers the whole app.
  const appFiles = asar
    .listPackage(archive, { isPack: false })
    .map((file) => file.split(sep).join('/').replace(/^\//, ''));
  const addons: NativeModuleReport['addons'] = [];
  const findings: NativeModuleFinding[] = [];

  for (const file of appFiles.filter((path) => path.endsWith('.node'))) {
    const entry = asar.statFile(archive, file) as { unpacked?: boolean };
    if (entry.unpacked !== true) {
      const bytes = asar.extractFile(archive, file);
      addons.push({ file, build: addonBuild(bytes), binary: binaryTarget(bytes), unpacked: false });
      findings.push({
        file,
        problem: 'is inside app.asar; native modules must be unpacked (asarUnpack) so the system can load them',
      });
      continue;
    }
    const onDisk = join(unpackedFolder, file);
    if (!existsSync(onDisk)) {
      findings.push({ file, problem: 'is listed in app.asar but missing from app.asar.unpacked' });
      continue;
    }
    const bytes = readFileSync(onDisk);
    const build = addonBuild(bytes);
    const binary = binaryTarget(bytes);
    addons.push({ file, build, binary, unpacked: true });
    const misfit = wrongTarget(binary, target);
    if (misfit !== undefined && build.kind !== 'unknown') findings.push({ file, problem: misfit });
    switch (build.kind) {
      case 'node-api':
        break;
      case 'abi':
        if (build.abi !== abi) {
          const runtime =
            String(build.abi) === process.versions.modules
              ? `, the ABI of Node ${process.version} that ran the install`
              : '';
          findings.push({
            file,
            problem: `is built for ABI ${build.abi}${runtime}, not Electron ${electronVersion}'s ABI ${abi}`,
          });
        }
        break;
      case 'unknown':
        findings.push({
          file,
          problem:
            'is not a Node addon (no node_register_module or napi_register_module symbol): a build leftover or a damaged file',
        });
        break;
      default: {
        const unexpected: never = build;
        throw new Error(`Unknown addon build ${String(unexpected)}`);
      }
    }
  }
  for (const name of nativePackages(appFiles, projectDir)) {
    if (!addons.some((addon) => addon.file.startsWith(`node_modules/${name}/`))) {
      findings.push({
        file: `node_modules/${name}`,
        problem: 'has no compiled .node file in the package (its build failed or was left out)',
      });
    }
  }
  return { electronVersion, abi, target: `${target.platform}-${target.arch}`, addons, findings };
}

/** The refusal: names every file and its problem, then how to build native modules for Electron. */
export function nativeModuleRefusal(report: NativeModuleReport): string {
  return [
    `Mshahara was not packaged: its native modules are not ready for Electron ${report.electronVersion} (ABI ${report.abi}) on ${report.target}.`,
    ...report.findings.map((finding) => `  - ${finding.file} ${finding.problem}`),
    'Build them for Electron, then package again: `npm run package` lets electron-builder rebuild them (npmRebuild in',
    'electron-builder.config.ts), which fetches the prebuilt Electron binaries or compiles them against the Electron',
    `headers for ${report.electronVersion}; it needs internet access, and where no prebuilt binary exists Python 3, make and a C++`,
    'compiler (on Windows the Visual Studio Build Tools).',
  ].join('\n');
}

export function assertNativeModulesBuiltForElectron(
  resourcesDir: string,
  projectDir: string,
  electronVersion: string,
  target: PackageTarget,
): NativeModuleReport {
  const report = inspectNativeModules(resourcesDir, projectDir, electronVersion, target);
  if (report.findings.length > 0) throw new Error(nativeModuleRefusal(report));
  return report;
}
