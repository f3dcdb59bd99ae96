// Settings, for the admin: the people who sign in to this profile, their roles, second factor,
// lock-outs and whether they are disabled; adding a person, changing roles, disabling, enabling
// and resetting a password. Every change is the core's to accept or refuse (the last admin stays).
import { Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { AccountView } from '../../../shared/contract';
import type { Role } from '../../../shared/roles';
import { showProblem } from '../../components/notify';
import { Problem } from '../../components/Problem';
import { When } from '../../components/When';
import { emptyWords, useContractMutation, useContractQuery } from '../../lib/queries';
import { AddPerson } from './AddPerson';
import { FirstPassword, type HandedOver } from './FirstPassword';
import { RoleBadges, RoleChoice } from './RoleChoice';

type Acting = { kind: 'roles'; username: string; roles: Role[] } | { kind: 'reset'; username: string } | null;

function lockedNow(account: AccountView): boolean {
  return account.lockedUntil !== null && Date.parse(account.lockedUntil) > Date.now();
}

export function People() {
  const accounts = useContractQuery('users.list', {});
  const [acting, setActing] = useState<Acting>(null);
  const [handedOver, setHandedOver] = useState<HandedOver | null>(null);
  const setRoles = useContractMutation('users.setRoles');
  const disable = useContractMutation('users.disable');
  const enable = useContractMutation('users.enable');
  const reset = useContractMutation('users.resetPassword');

  async function saveRoles(username: string, roles: Role[]) {
    try {
      await setRoles.mutateAsync({ username, roles });
      setActing(null);
      setRoles.reset();
    } catch {
      // Shown under the role choice, from setRoles.error.
    }
  }

  async function resetPassword(username: string) {
    try {
      const answer = await reset.mutateAsync({ username });
      setActing(null);
      setHandedOver({ username: answer.account.username, password: answer.firstPassword });
    } catch (error) {
      showProblem('Password not reset', error);
    }
  }

  async function toggle(account: AccountView) {
    try {
      if (account.disabledAt === null) await disable.mutateAsync({ username: account.username });
      else await enable.mutateAsync({ username: account.username });
    } catch (error) {
      showProblem(account.disabledAt === null ? 'Not disabled' : 'Not enabled', error);
    }
  }

  const list = accounts.value?.accounts ?? [];
  return (
    <Card withBorder data-testid="people">
      <Title order={3} size="h4" mb="xs">
        People
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        Who signs in to this profile and what each may do. An account is never deleted, only disabled, so its history
        keeps its name.
      </Text>
      <Problem error={accounts.error} />
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Username</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Roles</Table.Th>
            <Table.Th>Authenticator app</Table.Th>
            <Table.Th>Locked until</Table.Th>
            <Table.Th>Account</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={7}>{emptyWords(accounts, 'Nobody yet.')}</Table.Td>
            </Table.Tr>
          )}
          {list.map((account) => (
            <Table.Tr key={account.id} data-testid={`person-${account.username}`}>
              <Table.Td>{account.username}</Table.Td>
              <Table.Td>{account.displayName}</Table.Td>
              <Table.Td>
                <RoleBadges held={account.roles} />
              </Table.Td>
              <Table.Td>{account.secondFactor ? 'On' : 'Off'}</Table.Td>
              <Table.Td>{lockedNow(account) ? <When at={account.lockedUntil} /> : '—'}</Table.Td>
              <Table.Td>
                {account.disabledAt === null ? (
                  account.mustChangePassword ? (
                    <Badge variant="light" color="yellow">
                      First password
                    </Badge>
                  ) : (
                    <Badge variant="light" color="teal">
                      Enabled
                    </Badge>
                  )
                ) : (
                  <Badge variant="light" color="gray">
                    Disabled
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    aria-label={`Change roles of ${account.username}`}
                    onClick={() => {
                      setRoles.reset();
                      setActing({ kind: 'roles', username: account.username, roles: account.roles });
                    }}
                  >
                    Roles
                  </Button>
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    aria-label={`Reset the password of ${account.username}`}
                    onClick={() => setActing({ kind: 'reset', username: account.username })}
                  >
                    Reset password
                  </Button>
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    color={account.disabledAt === null ? 'red' : 'teal'}
                    aria-label={`${account.disabledAt === null ? 'Disable' : 'Enable'} ${account.username}`}
                    onClick={() => void toggle(account)}
                  >
                    {account.disabledAt === null ? 'Disable' : 'Enable'}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>

      <Stack gap="sm" mt="sm">
        {handedOver && <FirstPassword handedOver={handedOver} onDone={() => setHandedOver(null)} />}
        {acting?.kind === 'roles' && (
          <Card withBorder data-testid="change-roles">
            <RoleChoice
              label={`Roles of ${acting.username}`}
              value={acting.roles}
              onChange={(roles) => setActing({ ...acting, roles })}
            />
            <Problem error={setRoles.error ?? undefined} title="Roles not changed" />
            <Group mt="sm">
              <Button onClick={() => void saveRoles(acting.username, acting.roles)} loading={setRoles.isPending}>
                Save roles
              </Button>
              <Button variant="default" onClick={() => setActing(null)}>
                Cancel
              </Button>
            </Group>
          </Card>
        )}
        {acting?.kind === 'reset' && (
          <Card withBorder data-testid="reset-password">
            <Text size="sm">
              Reset the password of {acting.username}? Their current password stops working at once; Mshahara makes a
              first password for you to hand over, and ends any lock-out.
            </Text>
            <Group mt="sm">
              <Button color="orange" onClick={() => void resetPassword(acting.username)} loading={reset.isPending}>
                Reset password
              </Button>
              <Button variant="default" onClick={() => setActing(null)}>
                Cancel
              </Button>
            </Group>
          </Card>
        )}
        <AddPerson onAdded={setHandedOver} />
      </Stack>
    </Card>
  );
}
