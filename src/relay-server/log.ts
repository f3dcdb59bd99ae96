// The relay server's logger: pino with every secret key redacted (src/shared/redaction.ts).
import { pino, type Logger } from 'pino';
import { redactionPaths } from '../shared/redaction';

export function relayLogger(
  level: string = process.env.RELAY_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
): Logger {
  return pino({ level, base: { app: 'mshahara-relay' }, redact: { paths: redactionPaths, censor: '[redacted]' } });
}
