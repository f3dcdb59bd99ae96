// The admin adds a person: a username, their name, their roles, and a first password (typed, or
// made by Mshahara and shown once) that they must change at their first sign-in.
import { Button, Group, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { Role } from '../../../shared/roles';
import { fieldError, formProblem } from '../../components/field-errors';
import { Problem } from '../../components/Problem';
import { useContractMutation } from '../../lib/queries';
import type { HandedOver } from './FirstPassword';
import { RoleChoice } from './RoleChoice';

const fields = ['username', 'displayName', 'roles', 'password', 'firstPassword'];

export function AddPerson({ onAdded }: { onAdded(handedOver: HandedOver): void }) {
  const add = useContractMutation('users.add');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const [firstPassword, setFirstPassword] = useState('');

  async function submit() {
    try {
      const added = await add.mutateAsync({
        username,
        displayName,
        roles,
        ...(firstPassword === '' ? {} : { firstPassword }),
      });
      onAdded({ username: added.account.username, password: added.firstPassword });
      setUsername('');
      setDisplayName('');
      setRoles([]);
      setFirstPassword('');
      add.reset();
    } catch {
      // The refusal is shown beside its field, from add.error.
    }
  }

  const error = add.error ?? undefined;
  return (
    <Stack gap="sm" data-testid="add-person">
      <Title order={4} size="h5">
        Add a person
      </Title>
      <Group align="flex-start">
        <TextInput
          label="Username"
          description="What they type to sign in"
          value={username}
          onChange={(event) => setUsername(event.currentTarget.value)}
          error={fieldError(error, 'username')}
          w={220}
        />
        <TextInput
          label="Name"
          description="As colleagues know them"
          value={displayName}
          onChange={(event) => setDisplayName(event.currentTarget.value)}
          error={fieldError(error, 'displayName')}
          w={260}
        />
      </Group>
      <RoleChoice value={roles} onChange={setRoles} error={fieldError(error, 'roles')} />
      <PasswordInput
        label="First password"
        description="Leave it empty and Mshahara makes one. They must change it at first sign-in."
        value={firstPassword}
        onChange={(event) => setFirstPassword(event.currentTarget.value)}
        error={fieldError(error, 'password') ?? fieldError(error, 'firstPassword')}
        autoComplete="new-password"
        w={360}
      />
      <Problem error={formProblem(error, fields)} title="Not added" />
      <Group>
        <Button onClick={() => void submit()} loading={add.isPending}>
          Add person
        </Button>
      </Group>
    </Stack>
  );
}
