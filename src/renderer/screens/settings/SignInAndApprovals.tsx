// Settings, for the admin: when the screen locks, when failed sign-ins slow down and lock an
// account, whether approvers need the authenticator app, and how many people act on a payroll run.
// Single person (the maker approves their own runs) is offered only with a confirmation.
import { Alert, Button, Card, Checkbox, Group, NumberInput, Radio, Stack, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { PoliciesView } from '../../../shared/contract';
import { shillingsText } from '../../../shared/money';
import { fieldError, formProblem, type LocalErrors } from '../../components/field-errors';
import { MoneyInput, readShillings } from '../../components/MoneyInput';
import { Problem } from '../../components/Problem';
import { useContractMutation, useContractQuery } from '../../lib/queries';
import { useSession } from '../../stores/session';

type People = PoliciesView['approval']['people'];

const peopleChoices: Array<{ people: People; label: string; description: string }> = [
  {
    people: 2,
    label: 'Two people: the maker and one approver',
    description: 'The default. Nobody sends a run they prepared without someone else approving it.',
  },
  {
    people: 3,
    label: 'Three people: the maker and two approvers',
    description: 'Two different approvers, neither of them the maker.',
  },
  {
    people: 1,
    label: 'Single person: the maker approves their own runs',
    description: 'Only for a business where one person does everything. Every screen says so.',
  },
];

const fields = [
  'idleLockMinutes',
  'slowDownAfter',
  'lockOutAfter',
  'lockOutMinutes',
  'approversNeedSecondFactor',
  'people',
  'aboveCents',
];

interface Draft {
  signIn: PoliciesView['signIn'];
  people: People;
  aboveText: string;
  singlePersonConfirmed: boolean;
}

function draftOf(policies: PoliciesView): Draft {
  return {
    signIn: policies.signIn,
    people: policies.approval.people,
    aboveText: shillingsText(policies.approval.aboveCents),
    singlePersonConfirmed: false,
  };
}

export function SignInAndApprovals() {
  const policies = useContractQuery('users.policy', {});
  const save = useContractMutation('users.savePolicy');
  const [draft, setDraft] = useState<Draft | undefined>(undefined);
  const [local, setLocal] = useState<LocalErrors>({});
  // Fresh policies from the core replace the draft (adjusted while rendering, not in an effect).
  const [shown, setShown] = useState<PoliciesView | undefined>(undefined);
  if (policies.value !== shown) {
    setShown(policies.value);
    setDraft(policies.value ? draftOf(policies.value) : undefined);
  }
  if (!draft || !policies.value) return <Problem error={policies.error} />;
  const saved = policies.value;
  const choosingSinglePerson = draft.people === 1 && saved.approval.people !== 1;
  const error = save.error ?? undefined;
  const number = (name: keyof Draft['signIn'], label: string, min: number, max: number) => (
    <NumberInput
      label={label}
      value={draft.signIn[name] as number}
      onChange={(value) => setDraft({ ...draft, signIn: { ...draft.signIn, [name]: Number(value) } })}
      error={fieldError(error, name)}
      min={min}
      max={max}
      allowDecimal={false}
      w={260}
    />
  );

  async function submit() {
    if (!draft) return;
    const above = readShillings(draft.aboveText);
    const refused: LocalErrors = {};
    if ('reason' in above) refused.aboveCents = above.reason;
    if (choosingSinglePerson && !draft.singlePersonConfirmed)
      refused.people = 'Tick the box to confirm that the maker will approve their own runs.';
    setLocal(refused);
    if ('reason' in above || refused.people !== undefined) return;
    try {
      await save.mutateAsync({
        signIn: draft.signIn,
        approval: { people: draft.people, aboveCents: above.cents },
        ...(choosingSinglePerson ? { singlePersonConfirmed: true } : {}),
      });
      notifications.show({ message: 'Sign-in and approval policies saved.' });
      save.reset();
      // The frame's single-person warning and idle lock come from the session.
      void useSession
        .getState()
        .load()
        .catch(() => undefined);
    } catch {
      // Shown beside the fields, from save.error.
    }
  }

  return (
    <Card withBorder data-testid="signin-approvals">
      <Title order={3} size="h4" mb="xs">
        Sign-in and approvals
      </Title>
      <Stack gap="sm">
        <Group align="flex-start">
          {number('idleLockMinutes', 'Minutes idle before the screen locks', 1, 240)}
          {number('slowDownAfter', 'Failed sign-ins before each try must wait', 1, 20)}
        </Group>
        <Group align="flex-start">
          {number('lockOutAfter', 'Failed sign-ins before the account locks', 2, 50)}
          {number('lockOutMinutes', 'Minutes an account stays locked', 1, 1440)}
        </Group>
        <Switch
          label="Approvers must use an authenticator app to sign in"
          checked={draft.signIn.approversNeedSecondFactor}
          onChange={(event) =>
            setDraft({
              ...draft,
              signIn: { ...draft.signIn, approversNeedSecondFactor: event.currentTarget.checked },
            })
          }
        />
        <Radio.Group
          label="Who acts on a payroll run before it is sent"
          description={`Now: ${saved.approvalPolicyWords}.`}
          value={String(draft.people)}
          onChange={(value) => setDraft({ ...draft, people: Number(value) as People, singlePersonConfirmed: false })}
          error={fieldError(error, 'people', local)}
        >
          <Stack gap={6} mt={4}>
            {peopleChoices.map((choice) => (
              <Radio
                key={choice.people}
                value={String(choice.people)}
                label={choice.label}
                description={choice.description}
              />
            ))}
          </Stack>
        </Radio.Group>
        {choosingSinglePerson && (
          <Alert color="red" variant="light" title="The maker will approve their own runs" data-testid="single-person">
            <Text size="sm">
              With single person, whoever prepares a payroll run approves and sends it alone: nobody else looks at who
              is paid or how much. Every screen will say so.
            </Text>
            <Checkbox
              mt="xs"
              label="I understand, and choose single person"
              checked={draft.singlePersonConfirmed}
              onChange={(event) => setDraft({ ...draft, singlePersonConfirmed: event.currentTarget.checked })}
            />
          </Alert>
        )}
        <MoneyInput
          label="Run total above which one more approver is needed (KES)"
          placeholder="No such total"
          value={draft.aboveText}
          onChange={(aboveText) => setDraft({ ...draft, aboveText })}
          error={fieldError(error, 'aboveCents', local)}
          w={420}
        />
        <Problem error={formProblem(error, fields)} title="Not saved" />
        <Group>
          <Button onClick={() => void submit()} loading={save.isPending}>
            Save policies
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
