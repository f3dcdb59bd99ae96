// Named, structured loggers per area (pino). Secrets are redacted by key before anything is
// written; callers still never log raw bodies, tokens or credentials. Modules take their logger
// at load time, so the destination and level stay switchable afterwards (configureLogging).
import { pino, type DestinationStream, type Logger } from 'pino';
import { redactionPaths as paths } from '../shared/redaction';

export { redactedKeys } from '../shared/redaction';

/** Forwards to whichever stream configureLogging chose last. */
class SwitchableDestination implements DestinationStream {
  target: DestinationStream = pino.destination({ dest: 2, sync: true });
  write(line: string): void {
    this.target.write(line);
  }
}

const destination = new SwitchableDestination();
const root = pino(
  {
    level: process.env.MSHAHARA_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
    redact: { paths, censor: '[redacted]' },
    base: { app: 'mshahara' },
  },
  destination,
);
const areas = new Map<string, Logger>();

/** Sends every logger to `destination` (a file in the data folder, or a test's capture). */
export function configureLogging(options: { level?: string; destination?: DestinationStream } = {}): void {
  if (options.destination) destination.target = options.destination;
  if (options.level) {
    root.level = options.level;
    for (const child of areas.values()) child.level = options.level;
  }
}

export function logger(area: string): Logger {
  let child = areas.get(area);
  if (!child) {
    child = root.child({ area });
    areas.set(area, child);
  }
  return child;
}
