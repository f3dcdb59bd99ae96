// First start: try Mshahara with the demo (nothing to set up), or connect a sandbox or production
// Daraja app. Credentials go to the keychain; afterwards only their last characters are shown.
import { Button, Card, Code, Container, FileInput, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { CertificateView, MethodOutput, ProfileView, RelayView } from '../../shared/contract';
import { call } from '../api';
import { fieldError, formProblem } from '../components/field-errors';
import { Problem } from '../components/Problem';
import { ConnectionTestSteps } from '../components/ConnectionTestSteps';
import { DarajaAppFields, darajaAppFieldNames, darajaAppInput, emptyDarajaApp } from '../components/DarajaAppFields';
import { CertificateStanding } from '../components/CertificateStanding';
import { RelayConnect } from '../components/RelayConnect';
import { fileToBase64 } from '../lib/download';
import { useApp } from '../stores/app';
import { useSession } from '../stores/session';
import { FirstAdminForm } from './SignIn';

/** The fields of the Daraja app form, by the last name of their path in `profiles.create`. */
const profileFormFields = [...darajaAppFieldNames, 'fileName', 'contentBase64'];

type RealKind = 'sandbox' | 'production';
type ConnectionTest = MethodOutput<'setup.testConnection'>;

export function FirstStart() {
  const { load, setFinishingSetup } = useApp();
  const [kind, setKind] = useState<'demo' | RealKind>('demo');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const setSession = useSession((state) => state.set);
  const [adminMade, setAdminMade] = useState(false);
  const [created, setCreated] = useState<
    { profile: ProfileView; certificate: CertificateView; relay: RelayView } | undefined
  >(undefined);

  async function startDemo() {
    setBusy(true);
    setError(undefined);
    try {
      await call('profiles.create', { kind: 'demo' });
      setFinishingSetup(false);
      await load();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Container size="md" py="xl">
      <Stack>
        <Title order={1} c="teal.8">
          Welcome to Mshahara
        </Title>
        <Text>Pay your workers through M-Pesa in one go, and see where every shilling went. Choose how to start.</Text>
        <SegmentedControl
          aria-label="How to start"
          value={kind}
          onChange={(value) => setKind(value as 'demo' | RealKind)}
          data={[
            { value: 'demo', label: 'Try the demo' },
            { value: 'sandbox', label: 'Safaricom sandbox' },
            { value: 'production', label: 'Production (real money)' },
          ]}
          disabled={created !== undefined}
        />
        {kind === 'demo' && (
          <Card withBorder padding="lg">
            <Stack>
              <Title order={2} size="h4">
                Demo
              </Title>
              <Text>
                No credentials and no internet needed. Mshahara pays a built-in copy of M-Pesa with sample workers and a
                float of KES 5,000,000. No real money moves.
              </Text>
              <Group>
                <Button onClick={() => void startDemo()} loading={busy} data-testid="start-demo">
                  Start the demo
                </Button>
              </Group>
            </Stack>
          </Card>
        )}
        {kind !== 'demo' && !created && (
          <RealProfileForm key={kind} kind={kind} onCreated={setCreated} setFinishingSetup={setFinishingSetup} />
        )}
        {created && !adminMade && (
          <FirstAdminForm
            kind={created.profile.kind}
            onDone={(session) => {
              setSession(session);
              setAdminMade(true);
            }}
          />
        )}
        {created && adminMade && (
          <ConnectionCheck
            {...created}
            onDone={() => {
              setFinishingSetup(false);
              void load();
            }}
          />
        )}
        <Problem error={error} />
      </Stack>
    </Container>
  );
}

function RealProfileForm({
  kind,
  onCreated,
  setFinishingSetup,
}: {
  kind: RealKind;
  onCreated(created: { profile: ProfileView; certificate: CertificateView; relay: RelayView }): void;
  setFinishingSetup(finishing: boolean): void;
}) {
  // Production starts empty: a suggested name there would be a guess about real money.
  const [fields, setFields] = useState(() => emptyDarajaApp(kind === 'production' ? '' : kind));
  const [certificate, setCertificate] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const err = (name: string) => fieldError(error, name);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setFinishingSetup(true);
    try {
      const profile = await call('profiles.create', {
        kind,
        ...darajaAppInput(fields),
        certificate: certificate
          ? { fileName: certificate.name, contentBase64: await fileToBase64(certificate) }
          : 'bundled',
      });
      const [cert, relay] = await Promise.all([call('certificate.info', {}), call('relay.get', {})]);
      onCreated({ profile, certificate: cert, relay });
    } catch (failure) {
      setFinishingSetup(false);
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card
      withBorder
      padding="lg"
      component="form"
      onSubmit={(event: FormEvent) => void submit(event)}
      aria-label={`Connect a ${kind} Daraja app`}
    >
      <Stack>
        <Title order={2} size="h4">
          Your Daraja app ({kind})
        </Title>
        <Text size="sm" c="dimmed">
          From the Safaricom developer portal. Keys and passwords are kept in this computer's keychain and never shown
          again in full.
        </Text>
        <DarajaAppFields values={fields} onChange={setFields} error={error} />
        <FileInput
          label="Certificate"
          description={`Leave empty to use Safaricom's ${kind} certificate that comes with Mshahara`}
          placeholder="Safaricom's bundled certificate"
          accept=".cer,.pem,.crt"
          value={certificate}
          onChange={setCertificate}
          error={err('fileName') ?? err('contentBase64')}
          clearable
        />
        <Group>
          <Button type="submit" loading={busy}>
            Save and continue
          </Button>
        </Group>
        <Problem error={formProblem(error, profileFormFields)} title="The profile was not saved" />
      </Stack>
    </Card>
  );
}

function ConnectionCheck({
  profile,
  certificate,
  relay: firstRelay,
  onDone,
}: {
  profile: ProfileView;
  certificate: CertificateView;
  relay: RelayView;
  onDone(): void;
}) {
  const [relay, setRelay] = useState(firstRelay);
  const [test, setTest] = useState<ConnectionTest | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  async function runTest() {
    setBusy(true);
    setError(undefined);
    try {
      setTest(await call('setup.testConnection', { name: profile.name }));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card withBorder padding="lg">
      <Stack>
        <Title order={2} size="h4">
          Profile “{profile.name}” saved
        </Title>
        <Text size="sm">
          Consumer key ends {profile.credentials.consumerKey ?? '—'}, consumer secret ends{' '}
          {profile.credentials.consumerSecret ?? '—'}.
        </Text>
        <Text fw={600}>Certificate</Text>
        <Text size="sm">{certificate.subject}</Text>
        <CertificateStanding certificate={certificate} />
        <Text size="sm">
          Fingerprint (SHA-256): <Code data-testid="certificate-fingerprint">{certificate.fingerprintSha256}</Code>
        </Text>
        <Text fw={600}>Relay</Text>
        <Text size="sm">
          {relay.url ?? 'No relay set up yet: M-Pesa needs it to send answers to this computer.'}
          {relay.channel ? `, channel ${relay.channel}` : ''} {relay.message ? `— ${relay.message}` : ''}
        </Text>
        {relay.mode !== 'remote' && <RelayConnect onConnected={setRelay} />}
        <Group>
          <Button onClick={() => void runTest()} loading={busy} variant="light">
            Test connection
          </Button>
          <Button onClick={onDone}>Open Mshahara</Button>
        </Group>
        {test && <ConnectionTestSteps test={test} />}
        <Problem error={error} />
      </Stack>
    </Card>
  );
}
