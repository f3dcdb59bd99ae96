// Adding a sandbox or production profile from Settings, for the admin: the profile in use stays
// open, the keys go straight to this computer's keychain, and the new profile is tested at once
// (only its consumer key and secret can be proven until the admin switches to it). Both forms start
// empty: a suggested name would be a guess, and on production a guess about real money.
import { Button, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { call } from '../../api';
import { DarajaAppFields, darajaAppFieldNames, darajaAppInput, emptyDarajaApp } from '../../components/DarajaAppFields';
import { formProblem } from '../../components/field-errors';
import { Problem } from '../../components/Problem';

type Kind = 'sandbox' | 'production';

const fieldNames = [...darajaAppFieldNames];

export function AddProfile({ onDone }: { onDone(added: string | null): void }) {
  const [kind, setKind] = useState<Kind>('sandbox');
  const [fields, setFields] = useState(emptyDarajaApp);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const added = await call('profiles.create', {
        kind,
        ...darajaAppInput(fields),
        certificate: 'bundled',
        open: false,
      });
      setFields(emptyDarajaApp());
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
      <DarajaAppFields values={fields} onChange={setFields} error={error} />
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
