// Settings: which profile is in use, the relay, how fast payments are sent, the amount limits,
// the certificate, and what this Mshahara is; for the admin, the people who sign in and the
// sign-in and approval policies (settings/).
import { Badge, Button, Card, Code, FileInput, Group, NumberInput, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { AppSettings } from '../../shared/contract';
import { shillingsText } from '../../shared/money';
import { call } from '../api';
import { fieldError, formProblem, type LocalErrors } from '../components/field-errors';
import { Money } from '../components/Money';
import { MoneyInput, readShillings } from '../components/MoneyInput';
import { showProblem } from '../components/notify';
import { Problem } from '../components/Problem';
import { RelayConnect } from '../components/RelayConnect';
import { CertificateStanding } from '../components/CertificateStanding';
import { When } from '../components/When';
import { fileToBase64 } from '../lib/download';
import { holdsRole, useMe } from '../lib/me';
import { useContractQuery } from '../lib/queries';
import { useApp } from '../stores/app';
import { LowFloatLevel } from './settings/LowFloatLevel';
import { People } from './settings/People';
import { Profiles } from './settings/Profiles';
import { SignInAndApprovals } from './settings/SignInAndApprovals';
import { PayBillUrls } from './settings/PayBillUrls';

async function attempt(what: string, action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    notifications.show({ message: what });
    return true;
  } catch (error) {
    showProblem('Not saved', error);
    return false;
  }
}

export function Settings() {
  const me = useMe();
  const admin = holdsRole(me.value, 'admin');
  return (
    <Stack data-testid="settings">
      <Title order={2}>Settings</Title>
      {admin && <People />}
      {admin && <SignInAndApprovals />}
      {admin && <LowFloatLevel />}
      <Profiles admin={admin} />
      <Sending />
      <Relay />
      {admin && <PayBillUrls />}
      <Certificate />
      <About />
    </Stack>
  );
}

type AmountTexts = Record<'minCents' | 'maxCents' | 'runMaxCents', string>;

const sendingFields = ['sendRatePerSecond', 'concurrency', 'minCents', 'maxCents', 'runMaxCents'];

function amountTexts(limits: AppSettings['amountLimits']): AmountTexts {
  return {
    minCents: shillingsText(limits.minCents),
    maxCents: shillingsText(limits.maxCents),
    runMaxCents: shillingsText(limits.runMaxCents),
  };
}

export function Sending() {
  const settings = useContractQuery('settings.get', {});
  const [draft, setDraft] = useState<AppSettings | undefined>(undefined);
  const [amounts, setAmounts] = useState<AmountTexts>({ minCents: '', maxCents: '', runMaxCents: '' });
  const [local, setLocal] = useState<LocalErrors>({});
  const [error, setError] = useState<unknown>(undefined);
  // Fresh settings from the core replace the draft (adjusted while rendering, not in an effect).
  const [shown, setShown] = useState<AppSettings | undefined>(undefined);
  if (settings.value !== shown) {
    setShown(settings.value);
    setDraft(settings.value);
    if (settings.value) setAmounts(amountTexts(settings.value.amountLimits));
  }
  if (!draft) return <Problem error={settings.error} />;
  const limits = draft.amountLimits;
  const amountField = (name: keyof AmountTexts) => ({
    value: amounts[name],
    onChange: (text: string) => setAmounts({ ...amounts, [name]: text }),
    error: fieldError(error, name, local),
  });

  async function save() {
    if (!draft) return;
    const min = readShillings(amounts.minCents, { optional: false });
    const max = readShillings(amounts.maxCents, { optional: false });
    const runMax = readShillings(amounts.runMaxCents);
    const refused: LocalErrors = {};
    if ('reason' in min) refused.minCents = min.reason;
    if ('reason' in max) refused.maxCents = max.reason;
    if ('reason' in runMax) refused.runMaxCents = runMax.reason;
    setLocal(refused);
    if ('reason' in min || 'reason' in max || 'reason' in runMax) return;
    try {
      await call('settings.update', {
        sendRatePerSecond: draft.sendRatePerSecond,
        concurrency: draft.concurrency,
        amountLimits: { minCents: min.cents ?? 0, maxCents: max.cents ?? 0, runMaxCents: runMax.cents },
      });
      setError(undefined);
      notifications.show({ message: 'Sending settings saved.' });
      await settings.reload();
    } catch (failure) {
      setError(failure);
    }
  }

  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">
        Sending and limits
      </Title>
      <Stack gap="sm">
        <Group>
          <NumberInput
            label="Payments sent per second"
            value={draft.sendRatePerSecond}
            onChange={(value) => setDraft({ ...draft, sendRatePerSecond: Number(value) })}
            error={fieldError(error, 'sendRatePerSecond')}
            min={0.1}
            max={1000}
            decimalScale={1}
            w={240}
          />
          <NumberInput
            label="Payments waiting for M-Pesa at once"
            value={draft.concurrency}
            onChange={(value) => setDraft({ ...draft, concurrency: Number(value) })}
            error={fieldError(error, 'concurrency')}
            min={1}
            max={500}
            w={300}
          />
        </Group>
        <Group align="flex-start">
          <MoneyInput label="Smallest payment (KES)" {...amountField('minCents')} w={220} />
          <MoneyInput label="Largest payment (KES)" {...amountField('maxCents')} w={220} />
          <MoneyInput
            label="Run total needing one more approver (KES)"
            placeholder="None"
            {...amountField('runMaxCents')}
            w={320}
          />
        </Group>
        <Problem error={formProblem(error, sendingFields)} title="Not saved" />
        <Text size="sm" c="dimmed">
          M-Pesa itself allows <Money cents={limits.mpesaMinCents} /> to <Money cents={limits.mpesaMaxCents} /> per
          payment. Mshahara slows down by itself when M-Pesa asks it to.
        </Text>
        <Group>
          <Button onClick={() => void save()}>Save</Button>
        </Group>
      </Stack>
    </Card>
  );
}

function Relay() {
  const relay = useContractQuery('relay.get', {});
  const value = relay.value;
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">
        Relay
      </Title>
      <Problem error={relay.error} />
      {value && (
        <Stack gap="xs">
          <Text size="sm">
            {value.mode === 'in_process'
              ? 'The demo uses its own relay on this computer.'
              : value.mode === 'remote'
                ? `Relay ${value.url ?? ''}`
                : 'No relay set up: M-Pesa answers cannot reach this computer from the internet.'}
            {value.channel ? ` Channel ${value.channel}.` : ''}
          </Text>
          <Text component="div" size="sm">
            <Badge color={value.connected ? 'teal' : 'orange'} variant="light">
              {value.connected ? 'Connected' : 'Not connected'}
            </Badge>{' '}
            {value.lastEventAt ? (
              <>
                last answer <When at={value.lastEventAt} />
              </>
            ) : (
              'no answers yet'
            )}
            {value.message ? ` — ${value.message}` : ''}
          </Text>
          {value.mode !== 'in_process' && <RelayConnect onConnected={() => void relay.reload()} />}
        </Stack>
      )}
    </Card>
  );
}

function Certificate() {
  const certificate = useContractQuery('certificate.info', {});
  const [file, setFile] = useState<File | null>(null);
  const value = certificate.value;
  async function load() {
    if (!file) return;
    const loaded = await attempt('Certificate loaded.', async () =>
      call('certificate.load', { fileName: file.name, contentBase64: await fileToBase64(file) }),
    );
    if (loaded) {
      setFile(null);
      await certificate.reload();
    }
  }
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">
        Certificate
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        Safaricom's public certificate encrypts the initiator password before it leaves this computer.
      </Text>
      <Problem error={certificate.error} />
      {value && (
        <Stack gap={4}>
          <Text size="sm">
            {value.subject} ({value.source === 'file' ? value.fileName : value.source.replace('-', ' ')})
          </Text>
          <CertificateStanding certificate={value} />
          <Text size="sm">
            SHA-256 fingerprint <Code>{value.fingerprintSha256}</Code>
          </Text>
        </Stack>
      )}
      <Group align="flex-end" mt="sm">
        <FileInput
          label="Load another certificate"
          placeholder="Choose a .cer file"
          accept=".cer,.pem,.crt"
          value={file}
          onChange={setFile}
          w={300}
          clearable
        />
        <Button variant="light" disabled={!file} onClick={() => void load()}>
          Use this certificate
        </Button>
      </Group>
    </Card>
  );
}

function About() {
  const info = useApp((state) => state.info);
  if (!info) return null;
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">
        About
      </Title>
      <Text size="sm" data-testid="about">
        Mshahara {info.version}, running as {info.mode === 'desktop' ? 'the desktop app' : 'the browser host'}. Data
        folder: <Code>{info.dataFolder}</Code>
      </Text>
    </Card>
  );
}
