// Run in a child process by keytar-store.test.ts: tries to save a secret with whatever (missing)
// keychain the environment points at, and prints the error it got as JSON.
import { KeytarSecretStore } from '../../../src/main/secrets/keytar-store';
import type { MshaharaError } from '../../../src/shared/errors';

try {
  await new KeytarSecretStore().set('sandbox', 'consumer-secret', 'do-not-leak-this-secret');
  process.stdout.write(
    JSON.stringify({ name: 'none', kind: 'none', code: 'none', message: 'saved without a keychain' }),
  );
} catch (error) {
  const e = error as MshaharaError;
  process.stdout.write(JSON.stringify({ name: e.name, kind: e.kind, code: e.code, message: e.message }));
}
