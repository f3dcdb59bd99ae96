// My account, for everyone signed in: who they are signed in as and with which roles, the approval
// policy in force, changing their own password, and setting up or removing their authenticator app.
import { Button, Card, Group, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { fieldError, formProblem, type LocalErrors } from '../components/field-errors';
import { Problem } from '../components/Problem';
import { useMe, type Me } from '../lib/me';
import { useContractMutation } from '../lib/queries';
import { AuthenticatorApp } from '../components/AuthenticatorApp';
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
