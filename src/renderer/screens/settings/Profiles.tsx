// Settings → Profiles: every profile on this computer; for the admin, adding a sandbox or
// production profile (without leaving the one in use), switching to one (which signs every window
// out: each profile has its own people), testing one again, and for the profile in use rotating
// its credentials, backing it up and restoring a backup (settings/ProfileCare.tsx).
import { Badge, Button, Card, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { MethodOutput, ProfileView } from '../../../shared/contract';
import { call } from '../../api';
import { ConnectionTestSteps } from '../../components/ConnectionTestSteps';
import { showProblem } from '../../components/notify';
import { Problem } from '../../components/Problem';
import { When } from '../../components/When';
import { useContractQuery } from '../../lib/queries';
import { useApp } from '../../stores/app';
import { AddProfile } from './AddProfile';
import { BackupRestore, RotateCredentials } from './ProfileCare';

type ConnectionTest = MethodOutput<'setup.testConnection'>;

function CredentialCheck({ profile }: { profile: ProfileView }) {
  const check = profile.credentialCheck;
  if (check === null) return null;
  return check.outcome === 'untested' ? (
    <Badge color="orange" variant="light" title="Kept without a test with M-Pesa">
      New credentials untested
    </Badge>
  ) : (
    <Text size="xs" c="dimmed">
      Credentials changed <When at={check.at} />, tested
    </Text>
  );
}

export function Profiles({ admin }: { admin: boolean }) {
  const profiles = useContractQuery('profiles.list', {});
  const load = useApp((state) => state.load);
  const [adding, setAdding] = useState(false);
  const [switching, setSwitching] = useState<ProfileView | null>(null);
  const [testing, setTesting] = useState<string | null>(null);
  const [tests, setTests] = useState<Record<string, ConnectionTest>>({});
  const current = profiles.value?.profiles.find((p) => p.current);

  async function test(name: string) {
    setTesting(name);
    try {
      const result = await call('setup.testConnection', { name });
      setTests((all) => ({ ...all, [name]: result }));
      await profiles.reload();
    } catch (error) {
      showProblem('The test did not run', error);
    } finally {
      setTesting(null);
    }
  }

  async function switchTo(profile: ProfileView) {
    try {
      await call('profiles.select', { name: profile.name });
      setSwitching(null);
      await Promise.all([load(), profiles.reload()]);
    } catch (error) {
      showProblem('Not switched', error);
    }
  }

  return (
    <Card withBorder data-testid="profiles">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h4">
          Profiles
        </Title>
        {admin && !adding && (
          <Button size="compact-sm" variant="light" onClick={() => setAdding(true)} data-testid="add-profile">
            Add a profile
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed" mb="xs">
        Each profile has its own database, people, keychain entries and certificate, so demo, sandbox and production
        never mix.
      </Text>
      <Problem error={profiles.error} />
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Kind</Table.Th>
            <Table.Th>Shortcode</Table.Th>
            <Table.Th>Consumer key</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {profiles.value?.profiles.map((profile) => (
            <Table.Tr key={profile.name} data-testid={`profile-${profile.name}`}>
              <Table.Td>
                <Stack gap={0}>
                  <Text size="sm">{profile.name}</Text>
                  <CredentialCheck profile={profile} />
                </Stack>
              </Table.Td>
              <Table.Td>
                <Badge variant="light" color={profile.movesRealMoney ? 'red' : 'gray'}>
                  {profile.kind}
                </Badge>
              </Table.Td>
              <Table.Td>{profile.shortcode}</Table.Td>
              <Table.Td>{profile.credentials.consumerKey ?? '—'}</Table.Td>
              <Table.Td>
                <Group gap="xs" justify="flex-end">
                  {admin && (
                    <Button
                      size="compact-sm"
                      variant="subtle"
                      loading={testing === profile.name}
                      onClick={() => void test(profile.name)}
                    >
                      {tests[profile.name] ? 'Test again' : 'Test'}
                    </Button>
                  )}
                  {profile.current ? (
                    <Text size="sm" fw={600}>
                      In use
                    </Text>
                  ) : (
                    admin && (
                      <Button size="compact-sm" variant="light" onClick={() => setSwitching(profile)}>
                        Switch to it
                      </Button>
                    )
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {Object.entries(tests).map(([name, result]) => (
        <Stack key={name} gap={4} mt="sm" data-testid={`test-${name}`}>
          <Text size="sm" fw={600}>
            Test of “{name}” ({result.host})
          </Text>
          <ConnectionTestSteps test={result} />
        </Stack>
      ))}
      {admin && adding && (
        <AddProfile
          onDone={(added) => {
            setAdding(false);
            void profiles.reload();
            if (added !== null) void test(added);
          }}
        />
      )}
      {admin && current && current.kind !== 'demo' && <RotateCredentials profile={current} />}
      {admin && <BackupRestore onRestored={() => void profiles.reload()} />}
      <Modal
        opened={switching !== null}
        onClose={() => setSwitching(null)}
        title={`Switch to “${switching?.name ?? ''}”?`}
      >
        <Stack>
          <Text size="sm">
            Every window is signed out, and everyone signs in again to “{switching?.name}” with its own people. Payments
            of the profile in use that wait for M-Pesa are recorded first; nothing is lost or sent twice.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setSwitching(null)}>
              Stay here
            </Button>
            <Button onClick={() => switching && void switchTo(switching)}>Switch and sign everyone out</Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
