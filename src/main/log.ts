// Named, structured loggers per area (pino). Secrets are redacted by key before anything is
// written; callers still never log raw bodies, tokens or credentials.
import { pino, type Logger, type DestinationStream } from 'pino';

export const redactedKeys = [
  'consumerKey',
  'consumerSecret',
  'initiatorPassword',
  'passkey',
  'password',
  'Password',
  'SecurityCredential',
  'securityCredential',
  'access_token',
  'accessToken',
  'token',
  'authorization',
  'Authorization',
  'relayToken',
  'privateKey',
  'secret',
];

const paths = redactedKeys.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k.toLowerCase()}`]);

let root: Logger | undefined;

/** Sends every logger to `destination` (a file in the data folder, or a test's capture). */
export function configureLogging(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  root = pino(
    { level: options.level ?? process.env.MSHAHARA_LOG_LEVEL ?? 'info', redact: { paths, censor: '[redacted]' }, base: { app: 'mshahara' } },
    options.destination ?? pino.destination({ dest: 2, sync: false }),
  );
  return root;
}

export function logger(area: string): Logger {
  root ??= configureLogging();
  return root.child({ area });
}
