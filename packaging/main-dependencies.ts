// Which installed packages the installed app needs: the main process's bundle leaves its packages
// outside (electron-vite externalises them) and the renderer's are bundled in. Everything the main
// bundle imports, with their dependencies, ships; the renderer's packages (React, Mantine,
// Recharts…) are already inside its bundle and stay out of the package.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';

/** The package a specifier names: `libphonenumber-js/max` → `libphonenumber-js`, `@a/b/c` → `@a/b`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** `from "x"`, `import "x"`, `import("x")`, `require("x")` where x names a package or a built-in. */
const bareImport =
  /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']((?:@[\w.-]+\/)?[\w][\w.-]*(?:\/[\w.@-]+)*|node:[\w/]+)["']/g;

/** What the main bundles import (static, dynamic or require), less Node's own and Electron. */
export function mainBundleSpecifiers(bundles: string): string[] {
  const mainFolder = join(bundles, 'main');
  if (!existsSync(mainFolder)) throw new Error(`${mainFolder} does not exist: build the app first (npm run build).`);
  const specifiers = new Set<string>();
  for (const file of readdirSync(mainFolder, { recursive: true }).map(String)) {
    if (!/\.[cm]?js$/.test(file)) continue;
    for (const match of readFileSync(join(mainFolder, file), 'utf8').matchAll(bareImport)) {
      const specifier = match[1]!;
      if (specifier.startsWith('node:') || isBuiltin(specifier) || specifier === 'electron') continue;
      specifiers.add(specifier);
    }
  }
  return [...specifiers].sort();
}

/** The packages the main bundles import. */
export function mainBundleImports(bundles: string): string[] {
  return [...new Set(mainBundleSpecifiers(bundles).map(packageName))].sort();
}

interface PackageManifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** Where Node finds `name` from a package folder: the nearest node_modules/name up to the project. */
function resolvePackage(projectDir: string, from: string, name: string): string | undefined {
  for (let folder = from; ; folder = dirname(folder)) {
    const candidate = join(folder, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (folder === projectDir || dirname(folder) === folder) return undefined;
  }
}

/**
 * Dependencies that only build, install or describe a package and are never loaded by the running
 * app: the native modules' binary fetcher and C++ headers, and type declarations.
 */
function neverLoaded(name: string): boolean {
  return name === 'prebuild-install' || name === 'node-addon-api' || name.startsWith('@types/');
}

/**
 * Folders of the named packages and everything they depend on, as Node would resolve them;
 * `loadedOnly` leaves out what is never loaded at run time.
 */
export function dependencyClosure(projectDir: string, names: readonly string[], loadedOnly = false): Set<string> {
  const found = new Set<string>();
  const pending = names
    .map((name) => resolvePackage(projectDir, projectDir, name))
    .filter((folder) => folder !== undefined);
  while (pending.length > 0) {
    const folder = pending.pop()!;
    if (found.has(folder)) continue;
    found.add(folder);
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as PackageManifest;
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      if (loadedOnly && neverLoaded(name)) continue;
      const dependency = resolvePackage(projectDir, folder, name);
      if (dependency !== undefined) pending.push(dependency);
    }
  }
  return found;
}

/**
 * Production packages (package.json `dependencies` and theirs) that the main bundle never reaches,
 * as paths under node_modules (`@mantine/core`, `react-dom`, `a/node_modules/b`).
 */
export function packagesOnlyTheRendererUses(projectDir: string, bundles: string): string[] {
  const manifest = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as PackageManifest;
  const production = dependencyClosure(projectDir, Object.keys(manifest.dependencies ?? {}));
  const main = dependencyClosure(projectDir, mainBundleImports(bundles), true);
  const unused = [...production].filter((folder) => !main.has(folder));
  return unused.map((folder) => relative(join(projectDir, 'node_modules'), folder).split(sep).join('/')).sort();
}
