// My account, for everyone signed in: who they are signed in as and with which roles, the approval
// policy in force, changing their own password, and setting up or removing their authenticator app.
import { Alert, Button, Card, Code, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { MethodOutput } from '../../shared/contract';
import { fieldError, formProblem, type LocalErrors } from '../components/field-errors';
import { Problem } from '../components/Problem';
import { useMe, type Me } from '../lib/me';
import { useContractMutation } from '../lib/queries';
import { RoleBadges } from './settings/RoleChoice';

export function MyAccount() {
  const me = useMe();
  if (!me.value) return <Problem error={me.error} />;
  return (
    <Stack data-testid="my-account">
      <Title order={2}>My account</Title>
      <WhoIAm me={me.value} />
      <ChangePassword />
      <AuthenticatorApp on={me.value.account.secondFactor} />
    </Stack>
  );
}

function WhoIAm({ me }: { me: Me }) {
  return (
    <Card withBorder>
      <Text size="sm">
        Signed in as <strong>{me.account.displayName}</strong> ({me.account.username})
      </Text>
      <Group gap="xs" mt={4}>
        <RoleBadges held={me.account.roles} />
      </Group>
      <Text size="sm" mt="xs" c={me.singlePerson ? 'red.8' : 'dimmed'} data-testid="approval-policy-words">
        Payroll runs here: {me.approvalPolicyWords}.
      </Text>
    </Card>
  );
}

const passwordFields = ['currentPassword', 'newPassword', 'repeated'];

function ChangePassword() {
  const change = useContractMutation('account.changePassword');
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [repeated, setRepeated] = useState('');
  const [local, setLocal] = useState<LocalErrors>({});

  async function submit() {
    const refused: LocalErrors = {};
    if (repeated !== newPassword) refused.repeated = 'Type the same new password twice.';
    setLocal(refused);
    if (refused.repeated !== undefined) return;
    try {
      await change.mutateAsync({ currentPassword, newPassword });
      setCurrent('');
      setNew('');
      setRepeated('');
      change.reset();
      notifications.show({ message: 'Password changed. Use the new one from your next sign-in.' });
    } catch {
      // Shown beside the fields, from change.error.
    }
  }

  const error = change.error ?? undefined;
  return (
    <Card withBorder data-testid="change-password">
      <Title order={3} size="h4" mb="xs">
        Password
      </Title>
      <Stack gap="sm" maw={360}>
        <PasswordInput
          label="Current password"
          value={currentPassword}
          onChange={(event) => setCurrent(event.currentTarget.value)}
          error={fieldError(error, 'currentPassword', local)}
          autoComplete="current-password"
        />
        <PasswordInput
          label="New password"
          description="At least 10 characters; a short sentence is easy to remember."
          value={newPassword}
          onChange={(event) => setNew(event.currentTarget.value)}
          error={fieldError(error, 'newPassword', local)}
          autoComplete="new-password"
        />
        <PasswordInput
          label="New password again"
          value={repeated}
          onChange={(event) => setRepeated(event.currentTarget.value)}
          error={fieldError(error, 'repeated', local)}
          autoComplete="new-password"
        />
        <Problem error={formProblem(error, passwordFields)} title="Password not changed" />
        <Group>
          <Button onClick={() => void submit()} loading={change.isPending}>
            Change password
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

type Enrolment = MethodOutput<'account.enrolSecondFactor'>;

/** "JBSW Y3DP EHPK 3PXP": easier to type into a phone in groups of four. */
function grouped(key: string): string {
  return key.replace(/(.{4})(?=.)/g, '$1 ');
}

export function AuthenticatorApp({ on }: { on: boolean }) {
  const enrol = useContractMutation('account.enrolSecondFactor');
  const confirm = useContractMutation('account.confirmSecondFactor');
  const remove = useContractMutation('account.removeSecondFactor');
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [code, setCode] = useState('');
  const [removing, setRemoving] = useState(false);

  async function start() {
    try {
      setEnrolment(await enrol.mutateAsync({}));
      setCode('');
      confirm.reset();
    } catch {
      // Shown below, from enrol.error.
    }
  }

  async function turnOn() {
    try {
      await confirm.mutateAsync({ code });
      // The key is not needed again, and is not kept on the page.
      setEnrolment(null);
      setCode('');
      notifications.show({ message: 'Your authenticator app is on: sign-in will ask for its code.' });
    } catch {
      // Shown beside the code, from confirm.error.
    }
  }

  async function turnOff() {
    try {
      await remove.mutateAsync({});
      setRemoving(false);
      notifications.show({ message: 'Authenticator app removed.' });
    } catch {
      // Shown below, from remove.error.
    }
  }

  return (
    <Card withBorder data-testid="authenticator-app">
      <Title order={3} size="h4" mb="xs">
        Authenticator app
      </Title>
      {on ? (
        <Stack gap="xs">
          <Text size="sm">On: each sign-in asks for the 6-digit code your app shows.</Text>
          {removing ? (
            <Alert color="orange" variant="light" title="Remove the authenticator app?">
              <Text size="sm">Sign-in will ask only for your password until you set an app up again.</Text>
              <Group mt="xs">
                <Button color="orange" onClick={() => void turnOff()} loading={remove.isPending}>
                  Remove it
                </Button>
                <Button variant="default" onClick={() => setRemoving(false)}>
                  Keep it
                </Button>
              </Group>
            </Alert>
          ) : (
            <Group>
              <Button variant="light" color="orange" onClick={() => setRemoving(true)}>
                Remove the app
              </Button>
            </Group>
          )}
          <Problem error={remove.error ?? undefined} title="Not removed" />
        </Stack>
      ) : enrolment === null ? (
        <Stack gap="xs">
          <Text size="sm">
            Off. An authenticator app on your phone (Google Authenticator, Microsoft Authenticator, or another) adds a
            6-digit code to each sign-in, so a password alone is not enough.
          </Text>
          <Group>
            <Button onClick={() => void start()} loading={enrol.isPending}>
              Set up the app
            </Button>
          </Group>
          <Problem error={enrol.error ?? undefined} title="Not started" />
        </Stack>
      ) : (
        <Stack gap="xs" data-testid="enrolment">
          <Text size="sm">
            In your app, add an account and type this key (it is shown only now, while you set the app up):
          </Text>
          <Code block data-testid="enrolment-key">
            {grouped(enrolment.secretKey)}
          </Code>
          <Text size="sm" c="dimmed">
            Or give the app this address: <Code data-testid="enrolment-uri">{enrolment.uri}</Code>
          </Text>
          <Group align="flex-end">
            <TextInput
              label="The 6 digits your app shows now"
              value={code}
              onChange={(event) => setCode(event.currentTarget.value)}
              error={fieldError(confirm.error ?? undefined, 'code')}
              inputMode="numeric"
              autoComplete="one-time-code"
              w={240}
            />
            <Button onClick={() => void turnOn()} loading={confirm.isPending}>
              Turn it on
            </Button>
          </Group>
          <Problem error={formProblem(confirm.error ?? undefined, ['code'])} title="Not turned on" />
        </Stack>
      )}
    </Card>
  );
}
