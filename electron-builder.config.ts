// How Mshahara is packaged into installers (electron-builder): what goes into the app, where the
// native modules and Safaricom's data live, and the installer for each system. The version is
// package.json's. `npm run package` / `npm run package:all` run it through packaging/package.ts.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Arch, type AfterPackContext, type Configuration } from 'electron-builder';
import { iconSetPaths } from './packaging/icons';
import { packagesOnlyTheRendererUses } from './packaging/main-dependencies';
import { assertNativeModulesBuiltForElectron } from './packaging/native-abi';

const projectDir = fileURLToPath(new URL('.', import.meta.url));

/** Packages with C++ inside; their sources and compiler output stay out of the package. */
export const nativeModules = ['better-sqlite3', 'keytar'] as const;
const native = `{${nativeModules.join(',')}}`;

/** Generated from resources/icon.svg by packaging/icons.ts before electron-builder runs. */
export const iconFolder = 'build/icons';
const icons = iconSetPaths(iconFolder);

/**
 * Runs once the app is laid out, before any installer is made from it: a package whose native
 * modules are not built for Electron is refused here, so no installer carries it.
 */
export async function checkPackedNativeModules(context: AfterPackContext): Promise<void> {
  const { packager, appOutDir } = context;
  const target = { platform: context.electronPlatformName, arch: Arch[context.arch] };
  const report = assertNativeModulesBuiltForElectron(
    packager.getResourcesDir(appOutDir),
    packager.info.projectDir,
    packager.info.framework.version,
    target,
  );
  for (const addon of report.addons) {
    const runtime = addon.build.kind === 'abi' ? `ABI ${addon.build.abi}` : 'Node-API';
    console.log(
      `  native module ${addon.file}: ${runtime}, ${addon.binary?.platform}-${addon.binary?.archs.join('+')}`,
    );
  }
}

export interface PackagingOptions {
  /** electron-vite's output folder; a different folder lets a test package fresh bundles. */
  bundles?: string;
}

export function packagingConfig({ bundles = 'out' }: PackagingOptions = {}): Configuration {
  const rendererOnly = packagesOnlyTheRendererUses(projectDir, resolve(projectDir, bundles));
  return {
    appId: 'app.mshahara.desktop',
    productName: 'Mshahara',
    executableName: 'mshahara',
    copyright: 'Copyright © Mshahara',
    directories: { output: 'dist', buildResources: 'build' },
    // Only what runs: electron-vite's bundles (no source maps) and package.json; electron-builder adds
    // the production dependencies, less those only the renderer uses (its bundle holds them). Tests,
    // benchmarks, sources, .env files and dev dependencies never match, and the native modules lose
    // their C++ sources and compiler leftovers.
    files: [
      { from: bundles, to: 'out', filter: ['**/*', '!**/*.map', '!**/.env', '!**/.env.*'] },
      'package.json',
      ...rendererOnly.map((name) => `!node_modules/${name}/**`),
      '!node_modules/**/*.{map,d.ts,d.mts,d.cts}',
      `!node_modules/${native}/{src,deps,binding.gyp}`,
      `!node_modules/${native}/build/**`,
      `node_modules/${native}/build/Release/*.node`,
      '!node_modules/better-sqlite3/build/Release/test_extension.node',
    ],
    // Safaricom's certificates, the tariff, limits and prefixes as plain files beside app.asar:
    // resourcesDirectory() walks up from the bundle and finds <resources>/resources/certs.
    extraResources: [{ from: 'resources', to: 'resources', filter: ['certs/*.cer', '*.json'] }],
    asar: true,
    // The system loads native modules from real files, never from inside an archive.
    asarUnpack: ['**/*.node'],
    // Rebuild better-sqlite3 and keytar for Electron's ABI (prebuilt binary or compiled against the
    // Electron headers); the afterPack check refuses the package if that did not happen.
    npmRebuild: true,
    buildDependenciesFromSource: false,
    afterPack: checkPackedNativeModules,
    publish: null,

    win: {
      target: [{ target: 'nsis', arch: ['x64'] }],
      icon: icons.ico,
      // Signing: electron-builder reads CSC_LINK / CSC_KEY_PASSWORD (or WIN_CSC_LINK / WIN_CSC_KEY_PASSWORD).
    },
    nsis: {
      // Per user, in %LOCALAPPDATA%\Programs: no administrator rights needed to install or update.
      oneClick: false,
      perMachine: false,
      allowElevation: false,
      allowToChangeInstallationDirectory: true,
      createDesktopShortcut: true,
      createStartMenuShortcut: true,
      shortcutName: 'Mshahara',
      // Uninstalling removes the program, never the payroll records in %APPDATA%\Mshahara.
      deleteAppDataOnUninstall: false,
      artifactName: 'Mshahara-Setup-${version}.${ext}',
    },

    mac: {
      target: [{ target: 'dmg', arch: ['x64', 'arm64'] }],
      icon: icons.icns,
      category: 'public.app-category.finance',
      hardenedRuntime: true,
      gatekeeperAssess: false,
      entitlements: 'packaging/entitlements.mac.plist',
      entitlementsInherit: 'packaging/entitlements.mac.plist',
      // Signing: CSC_LINK / CSC_KEY_PASSWORD (Developer ID Application). Notarisation runs when
      // APPLE_API_KEY / APPLE_API_KEY_ID / APPLE_API_ISSUER (or APPLE_ID / APPLE_APP_SPECIFIC_PASSWORD
      // / APPLE_TEAM_ID) are set; see README "Installers".
      notarize: true,
    },
    dmg: { artifactName: 'Mshahara-${version}-${arch}.${ext}' },

    linux: {
      target: ['AppImage', 'deb'],
      icon: icons.pngFolder,
      category: 'Office',
      maintainer: 'Mshahara <support@mshahara.app>',
      synopsis: 'Pay workers in bulk over M-Pesa and reconcile every shilling',
      desktop: {
        entry: {
          Name: 'Mshahara',
          GenericName: 'Payroll over M-Pesa',
          Comment: 'Pay workers in bulk over M-Pesa Daraja, reconcile every shilling',
          Categories: 'Office;Finance;',
          Keywords: 'payroll;M-Pesa;salary;bulk payment;',
          StartupWMClass: 'Mshahara',
        },
      },
    },
    deb: {
      // Electron's own needs, and libsecret for the keychain (keytar talks to the Secret Service).
      depends: [
        'libgtk-3-0',
        'libnotify4',
        'libnss3',
        'libxss1',
        'libxtst6',
        'xdg-utils',
        'libatspi2.0-0',
        'libuuid1',
        'libsecret-1-0',
      ],
      // Something must answer the Secret Service: GNOME Keyring, or KWallet 5.97+ on KDE.
      recommends: ['gnome-keyring'],
      artifactName: 'mshahara_${version}_${arch}.${ext}',
    },
    appImage: { artifactName: 'Mshahara-${version}-${arch}.${ext}' },
  };
}

/** electron-builder calls this when given the file (`--config electron-builder.config.ts`). */
export default function configuration(): Configuration {
  return packagingConfig();
}
