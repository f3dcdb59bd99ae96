// For the admin, on the profile in use: new M-Pesa credentials (tested with M-Pesa before they
// replace the old ones, or kept untested only when the admin says so), and backing the profile up
// to one file sealed with a passphrase, or restoring such a file as a new profile.
import {
  Button,
  Checkbox,
  Code,
  FileInput,
  Group,
  List,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { MethodOutput, ProfileView } from '../../../shared/contract';
import { call } from '../../api';
import { fieldError, formProblem } from '../../components/field-errors';
import { Problem } from '../../components/Problem';
import { downloadBase64, fileToBase64 } from '../../lib/download';

type Rotation = MethodOutput<'profiles.rotateCredentials'>;

const statusColour = { passed: 'teal', failed: 'red', not_checked: 'dimmed' } as const;
const statusLabel = { passed: 'Passed', failed: 'Failed', not_checked: 'Not checked' } as const;

const noCredentials = { consumerKey: '', consumerSecret: '', initiatorName: '', initiatorPassword: '', stkPasskey: '' };
const rotationFields = Object.keys(noCredentials);

export function RotateCredentials({ profile }: { profile: ProfileView }) {
  const [fields, setFields] = useState(noCredentials);
  const [keepUntested, setKeepUntested] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [result, setResult] = useState<Rotation | null>(null);
  const set = (name: keyof typeof fields) => (event: { currentTarget: { value: string } }) =>
    setFields({ ...fields, [name]: event.currentTarget.value });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setResult(null);
    const given = (value: string) => (value.trim() === '' ? undefined : value);
    try {
      const answer = await call('profiles.rotateCredentials', {
        consumerKey: given(fields.consumerKey),
        consumerSecret: given(fields.consumerSecret),
        initiatorName: given(fields.initiatorName),
        initiatorPassword: given(fields.initiatorPassword),
        stkPasskey: given(fields.stkPasskey),
        keepUntested,
      });
      setResult(answer);
      if (answer.replaced) setFields(noCredentials);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack component="form" mt="md" gap="sm" onSubmit={(event: FormEvent) => void submit(event)} data-testid="rotate">
      <Title order={4} size="h5">
        New credentials for “{profile.name}”
      </Title>
      <Text size="sm" c="dimmed">
        Fill in only what changed. Mshahara tries the new ones with M-Pesa first: they replace the old ones only if
        M-Pesa accepts them. Now in use: consumer key {profile.credentials.consumerKey ?? '—'}, initiator{' '}
        {profile.initiatorName}.
      </Text>
      <div className="grid-2">
        <TextInput
          label="New consumer key"
          value={fields.consumerKey}
          onChange={set('consumerKey')}
          error={fieldError(error, 'consumerKey')}
          autoComplete="off"
        />
        <PasswordInput
          label="New consumer secret"
          value={fields.consumerSecret}
          onChange={set('consumerSecret')}
          error={fieldError(error, 'consumerSecret')}
          autoComplete="off"
        />
        <TextInput
          label="New initiator name"
          value={fields.initiatorName}
          onChange={set('initiatorName')}
          error={fieldError(error, 'initiatorName')}
        />
        <PasswordInput
          label="New initiator password"
          value={fields.initiatorPassword}
          onChange={set('initiatorPassword')}
          error={fieldError(error, 'initiatorPassword')}
          autoComplete="off"
        />
        {profile.stkShortcode !== null && (
          <PasswordInput
            label="New STK passkey"
            value={fields.stkPasskey}
            onChange={set('stkPasskey')}
            error={fieldError(error, 'stkPasskey')}
            autoComplete="off"
          />
        )}
      </div>
      <Checkbox
        label="If M-Pesa cannot be reached to test them, use them anyway, marked untested"
        checked={keepUntested}
        onChange={(event) => setKeepUntested(event.currentTarget.checked)}
      />
      <Problem error={formProblem(error, rotationFields)} />
      <Group>
        <Button type="submit" variant="light" loading={busy}>
          Test and replace
        </Button>
      </Group>
      {result && (
        <Stack gap={4} data-testid="rotation-result">
          <Text size="sm" fw={600} c={result.replaced ? (result.outcome === 'verified' ? 'teal' : 'orange') : 'red'}>
            {result.message}
          </Text>
          <List spacing={2} size="sm">
            {result.checks.map((check) => (
              <List.Item key={check.what}>
                <Text span fw={600} c={statusColour[check.status]}>
                  {statusLabel[check.status]}
                </Text>{' '}
                {check.what}: {check.message}
              </List.Item>
            ))}
          </List>
        </Stack>
      )}
    </Stack>
  );
}

type Backup = MethodOutput<'profiles.backup'>;

function keychainWords(count: number): string {
  return count === 0
    ? 'This profile keeps nothing in the keychain.'
    : `It holds the profile’s ${count} keys and passwords from the keychain, sealed with your passphrase.`;
}
type Restored = MethodOutput<'profiles.restore'>;

export function BackupRestore({ onRestored }: { onRestored(): void }) {
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [backingUp, setBackingUp] = useState(false);
  const [backupError, setBackupError] = useState<unknown>(undefined);
  const [made, setMade] = useState<Backup | null>(null);

  const [file, setFile] = useState<File | null>(null);
  const [restorePassphrase, setRestorePassphrase] = useState('');
  const [name, setName] = useState('');
  const [restoring, setRestoring] = useState(false);
  const [restoreError, setRestoreError] = useState<unknown>(undefined);
  const [restored, setRestored] = useState<Restored | null>(null);

  const mismatch = again !== '' && again !== passphrase;

  async function backup(event: FormEvent) {
    event.preventDefault();
    if (passphrase !== again) return;
    setBackingUp(true);
    setBackupError(undefined);
    setMade(null);
    try {
      const answer = await call('profiles.backup', { passphrase });
      if (answer.contentBase64 !== null) downloadBase64(answer.fileName, answer.contentBase64, answer.mimeType);
      setMade(answer);
      setPassphrase('');
      setAgain('');
    } catch (failure) {
      setBackupError(failure);
    } finally {
      setBackingUp(false);
    }
  }

  async function restore(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    setRestoring(true);
    setRestoreError(undefined);
    setRestored(null);
    try {
      const answer = await call('profiles.restore', {
        fileName: file.name,
        contentBase64: await fileToBase64(file),
        passphrase: restorePassphrase,
        name: name.trim() === '' ? undefined : name.trim(),
      });
      setRestored(answer);
      setRestorePassphrase('');
      setFile(null);
      onRestored();
    } catch (failure) {
      setRestoreError(failure);
    } finally {
      setRestoring(false);
    }
  }

  return (
    <Stack mt="md" gap="md">
      <Stack component="form" gap="sm" onSubmit={(event: FormEvent) => void backup(event)} data-testid="backup">
        <Title order={4} size="h5">
          Back up the profile in use
        </Title>
        <Text size="sm" c="dimmed">
          One file with the profile&apos;s records, settings, certificate and the keys and passwords this
          computer&apos;s keychain holds for it, sealed with a passphrase you choose. Without the passphrase nobody can
          open it — you neither. Keep the passphrase apart from the file.
        </Text>
        <Group align="flex-start" grow>
          <PasswordInput
            label="Passphrase (at least 12 characters)"
            value={passphrase}
            onChange={(event) => setPassphrase(event.currentTarget.value)}
            error={fieldError(backupError, 'passphrase')}
            autoComplete="new-password"
          />
          <PasswordInput
            label="The passphrase again"
            value={again}
            onChange={(event) => setAgain(event.currentTarget.value)}
            error={mismatch ? 'The two passphrases differ' : undefined}
            autoComplete="new-password"
          />
        </Group>
        <Problem error={formProblem(backupError, ['passphrase'])} />
        <Group>
          <Button
            type="submit"
            variant="light"
            loading={backingUp}
            disabled={passphrase === '' || passphrase !== again}
          >
            Make the backup
          </Button>
        </Group>
        {made && (
          <Text size="sm" c="teal" data-testid="backup-made">
            Backup made: {made.fileName}
            {made.path !== null && (
              <>
                {' '}
                in <Code>{made.path}</Code>
              </>
            )}
            . {keychainWords(made.secrets.length)}
          </Text>
        )}
      </Stack>
      <Stack component="form" gap="sm" onSubmit={(event: FormEvent) => void restore(event)} data-testid="restore">
        <Title order={4} size="h5">
          Restore a backup
        </Title>
        <Text size="sm" c="dimmed">
          Restores as a new profile beside the ones here; nothing is overwritten. Switch to it when ready. Run one copy
          of a profile at a time: two copies would both answer for the same payments.
        </Text>
        <Group align="flex-start" grow>
          <FileInput
            label="Backup file"
            placeholder="Choose a .mshbackup file"
            value={file}
            onChange={setFile}
            clearable
          />
          <PasswordInput
            label="Its passphrase"
            value={restorePassphrase}
            onChange={(event) => setRestorePassphrase(event.currentTarget.value)}
            error={fieldError(restoreError, 'passphrase')}
            autoComplete="off"
          />
          <TextInput
            label="New profile name (optional)"
            description="Leave empty to keep the name it had"
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={fieldError(restoreError, 'name')}
          />
        </Group>
        <Problem error={formProblem(restoreError, ['passphrase', 'name'])} />
        <Group>
          <Button type="submit" variant="light" loading={restoring} disabled={!file || restorePassphrase === ''}>
            Restore as a new profile
          </Button>
        </Group>
        {restored && (
          <Text size="sm" c="teal" data-testid="restored">
            Restored “{restored.from}” as the profile “{restored.profile.name}”.{' '}
            {restored.secrets.length === 0
              ? 'It kept nothing in the keychain.'
              : `Its ${restored.secrets.length} keys and passwords are back in this computer’s keychain.`}{' '}
            Switch to it in the list above when ready.
          </Text>
        )}
      </Stack>
    </Stack>
  );
}
