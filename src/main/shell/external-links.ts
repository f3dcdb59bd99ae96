// The only way Mshahara opens a link outside the app: http(s) only, so a crafted link can never
// launch a file, a custom protocol handler or a local program. The opener is shell.openExternal.
import { logger } from '../log';

export type ExternalOpener = (url: string) => Promise<void>;

const log = logger('shell');

/** Opens `url` in the user's browser when it is http or https; returns whether it was opened. */
export async function openExternalSafely(url: string, opener: ExternalOpener): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    log.warn({ reason: 'not a URL' }, 'refused to open an external link');
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    log.warn({ protocol: parsed.protocol }, 'refused to open an external link');
    return false;
  }
  await opener(parsed.href);
  return true;
}

/** The opener backed by Electron's shell; the one place allowed to reach shell.openExternal. */
export function shellOpener(shell: { openExternal(url: string): Promise<void> }): ExternalOpener {
  return (url) => shell.openExternal(url);
}
