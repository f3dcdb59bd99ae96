// Setting up, turning on and removing the authenticator app of the person signed in: on My
// account, and on the setup an approver is held to when the profile asks approvers for one.
import { Alert, Button, Card, Code, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { MethodOutput } from '../../shared/contract';
import { fieldError, formProblem } from './field-errors';
import { Problem } from './Problem';
import { useContractMutation } from '../lib/queries';

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
