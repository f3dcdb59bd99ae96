// The level the float is warned below (the admin's setting): the dashboard and every run's review
// say so when the last Utility balance is under it. Empty: no warning.
import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { formatKesWithCurrency, shillingsText } from '../../../shared/money';
import { MoneyInput, readShillings } from '../../components/MoneyInput';
import { showProblem } from '../../components/notify';
import { useContractMutation, useContractQuery } from '../../lib/queries';

export function LowFloatLevel() {
  const current = useContractQuery('float.warning', {});
  const save = useContractMutation('float.setWarningLevel');
  const saved = current.value?.levelCents ?? null;
  const [text, setText] = useState('');
  const [reason, setReason] = useState<string | undefined>(undefined);
  // The field shows the saved level whenever it changes (loaded, saved, cleared).
  const [shownLevel, setShownLevel] = useState<number | null | undefined>(undefined);
  if (current.value !== undefined && shownLevel !== saved) {
    setShownLevel(saved);
    setText(shillingsText(saved));
  }

  async function submit(levelCents: number | null) {
    try {
      const answer = await save.mutateAsync({ levelCents });
      notifications.show({
        message:
          answer.levelCents === null
            ? 'No low-float warning: none is shown.'
            : `Everyone is warned when the float is below ${formatKesWithCurrency(answer.levelCents)}.`,
      });
    } catch (error) {
      showProblem('The level was not saved', error);
    }
  }

  function onSave() {
    const read = readShillings(text);
    if ('reason' in read) return setReason(read.reason);
    setReason(undefined);
    void submit(read.cents);
  }

  return (
    <Card withBorder data-testid="low-float-level">
      <Title order={3} size="h4" mb="xs">
        Low-float warning
      </Title>
      <Stack gap="xs">
        <Text size="sm" c="dimmed">
          When the Utility account’s balance, as M-Pesa last reported it, is below this amount, the dashboard and every
          run’s review say so, so the float is topped up before the next run. It stops no payment. Leave it empty for no
          warning.
        </Text>
        <Group align="flex-end">
          <MoneyInput
            label="Warn when the float is below"
            value={text}
            onChange={setText}
            error={reason}
            w={260}
            data-testid="low-float-input"
          />
          <Button onClick={onSave} loading={save.isPending} data-testid="low-float-save">
            Save
          </Button>
          {saved !== null && (
            <Button variant="subtle" onClick={() => void submit(null)} disabled={save.isPending}>
              No warning
            </Button>
          )}
        </Group>
        <Text size="sm" data-testid="low-float-current">
          {saved === null ? 'No warning is set.' : `Now: warned below ${formatKesWithCurrency(saved)}.`}
        </Text>
      </Stack>
    </Card>
  );
}
