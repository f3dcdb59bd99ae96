// Where Mshahara keeps its data on this computer: MSHAHARA_DATA_DIR when set (tests, power users),
// else the operating system's application-data folder. Each profile is one folder inside it.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The data folder for this user; nothing is created here, only named. */
export function dataFolder(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const override = env['MSHAHARA_DATA_DIR'];
  if (override !== undefined && override.trim() !== '') return resolve(override);
  switch (platform) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Mshahara');
    case 'win32':
      return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'Mshahara');
    default:
      // Linux and the BSDs follow the XDG base directory convention.
      return join(nonEmpty(env['XDG_CONFIG_HOME']) ?? join(homedir(), '.config'), 'Mshahara');
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
