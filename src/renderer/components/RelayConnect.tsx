// Connecting a profile to its relay: with the relay operator's admin token (used once, not kept),
// or by pasting what the operator's "channel add" printed for this profile's public key.
import { Button, Code, Group, SegmentedControl, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { RelayView } from '../../shared/contract';
import { call } from '../api';
import { useContractQuery } from '../lib/queries';
import { Problem } from './Problem';

export function RelayConnect({ onConnected }: { onConnected(relay: RelayView): void }) {
  const [how, setHow] = useState<'admin_token' | 'registration'>('admin_token');
  const [url, setUrl] = useState('');
  const [adminToken, setAdminToken] = useState('');
  const [channelName, setChannelName] = useState('');
  const [registrationJson, setRegistrationJson] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const publicKey = useContractQuery('relay.publicKey', {}, { enabled: how === 'registration' });

  async function connect() {
    setBusy(true);
    setError(undefined);
    try {
      onConnected(
        await call(
          'relay.connect',
          how === 'admin_token' ? { how, url, adminToken, channelName } : { how, url, registrationJson },
        ),
      );
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack gap="xs">
      <SegmentedControl
        aria-label="How to connect the relay"
        size="xs"
        value={how}
        onChange={(value) => setHow(value as 'admin_token' | 'registration')}
        data={[
          { value: 'admin_token', label: 'With the admin token' },
          { value: 'registration', label: 'With a registration from the operator' },
        ]}
      />
      <TextInput
        label="Relay address"
        placeholder="https://relay.example.co.ke"
        value={url}
        onChange={(event) => setUrl(event.currentTarget.value)}
      />
      {how === 'admin_token' ? (
        <Group grow>
          <TextInput
            label="Channel name"
            description="For example your company's name"
            value={channelName}
            onChange={(event) => setChannelName(event.currentTarget.value)}
          />
          <TextInput
            label="Relay admin token"
            description="Used once to open the channel, not kept"
            type="password"
            value={adminToken}
            onChange={(event) => setAdminToken(event.currentTarget.value)}
            autoComplete="off"
          />
        </Group>
      ) : (
        <>
          {publicKey.value && (
            <Text component="div" size="sm">
              Give the relay operator this public key: <Code block>{publicKey.value.publicKeyPem}</Code>
            </Text>
          )}
          <Textarea
            label="What the operator sent back"
            autosize
            minRows={3}
            value={registrationJson}
            onChange={(event) => setRegistrationJson(event.currentTarget.value)}
          />
        </>
      )}
      <Group>
        <Button variant="light" onClick={() => void connect()} loading={busy}>
          Connect the relay
        </Button>
      </Group>
      <Problem error={error ?? publicKey.error} title="The relay is not connected" />
    </Stack>
  );
}
