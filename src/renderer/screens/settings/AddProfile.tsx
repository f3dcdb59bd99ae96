// Adding a sandbox or production profile from Settings, for the admin: the profile in use stays
// open, the keys go straight to this computer's keychain, and the new profile is tested at once
// (only its consumer key and secret can be proven until the admin switches to it). Both forms start
// empty: a suggested name would be a guess, and on production a guess about real money.
import { Button, Group, PasswordInput, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { call } from '../../api';
import { fieldError, formProblem } from '../../components/field-errors';
import { Problem } from '../../components/Problem';

type Kind = 'sandbox' | 'production';

const empty = {
  name: '',
  shortcode: '',
  initiatorName: '',
  consumerKey: '',
  consumerSecret: '',
  initiatorPassword: '',
  stkShortcode: '',
  stkPasskey: '',
};
const fieldNames = [
  'name',
  'shortcode',
  'initiatorName',
  'consumerKey',
  'consumerSecret',
  'initiatorPassword',
  'stkShortcode',
  'stkPasskey',
];

export function AddProfile({ onDone }: { onDone(added: string | null): void }) {
  const [kind, setKind] = useState<Kind>('sandbox');
  const [fields, setFields] = useState(empty);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const set = (name: keyof typeof fields) => (event: { currentTarget: { value: string } }) =>
    setFields({ ...fields, [name]: event.currentTarget.value });
  const err = (name: string) => fieldError(error, name);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const added = await call('profiles.create', {
        kind,
        name: fields.name,
        shortcode: fields.shortcode,
        initiatorName: fields.initiatorName,
        stkShortcode: fields.stkShortcode || undefined,
        credentials: {
          consumerKey: fields.consumerKey,
          consumerSecret: fields.consumerSecret,
          initiatorPassword: fields.initiatorPassword,
          stkPasskey: fields.stkPasskey || undefined,
        },
        certificate: 'bundled',
        open: false,
      });
      setFields(empty);
      onDone(added.name);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack
      component="form"
      mt="md"
      gap="sm"
      onSubmit={(event: FormEvent) => void submit(event)}
      data-testid="add-profile-form"
    >
      <Title order={4} size="h5">
        Add a profile
      </Title>
      <SegmentedControl
        aria-label="Kind of profile"
        value={kind}
        onChange={(value) => setKind(value as Kind)}
        data={[
          { value: 'sandbox', label: 'Safaricom sandbox' },
          { value: 'production', label: 'Production (real money)' },
        ]}
      />
      <Text size="sm" c="dimmed">
        From your Daraja app on the Safaricom developer portal. Keys and passwords go to this computer&apos;s keychain
        and are never shown again in full. The profile in use stays open.
      </Text>
      <div className="grid-2">
        <TextInput label="Profile name" required value={fields.name} onChange={set('name')} error={err('name')} />
        <TextInput
          label="Shortcode (paybill or till)"
          required
          value={fields.shortcode}
          onChange={set('shortcode')}
          error={err('shortcode')}
        />
        <TextInput
          label="Consumer key"
          required
          value={fields.consumerKey}
          onChange={set('consumerKey')}
          error={err('consumerKey')}
          autoComplete="off"
        />
        <PasswordInput
          label="Consumer secret"
          required
          value={fields.consumerSecret}
          onChange={set('consumerSecret')}
          error={err('consumerSecret')}
          autoComplete="off"
        />
        <TextInput
          label="Initiator name"
          required
          value={fields.initiatorName}
          onChange={set('initiatorName')}
          error={err('initiatorName')}
        />
        <PasswordInput
          label="Initiator password"
          required
          value={fields.initiatorPassword}
          onChange={set('initiatorPassword')}
          error={err('initiatorPassword')}
          autoComplete="off"
        />
        <TextInput
          label="STK shortcode (optional)"
          value={fields.stkShortcode}
          onChange={set('stkShortcode')}
          error={err('stkShortcode')}
        />
        <PasswordInput
          label="STK passkey (optional)"
          value={fields.stkPasskey}
          onChange={set('stkPasskey')}
          error={err('stkPasskey')}
          autoComplete="off"
        />
      </div>
      <Problem error={formProblem(error, fieldNames)} />
      <Group>
        <Button type="submit" loading={busy} data-testid="save-profile">
          Add and test it
        </Button>
        <Button variant="default" onClick={() => onDone(null)}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}
