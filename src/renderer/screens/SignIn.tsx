// Signing in to the open profile, the profile's first admin, and a first password replaced. Shown
// by the frame (App.tsx) whenever the core says nobody is signed in on this window or page.
import {
  Alert,
  Badge,
  Button,
  Card,
  Container,
  Group,
  List,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { roleWords } from '../../shared/roles';
import { call } from '../api';
import { fieldError, formProblem } from '../components/field-errors';
import { Problem } from '../components/Problem';
import { useSession, type SessionState } from '../stores/session';
import { AuthenticatorApp } from '../components/AuthenticatorApp';

export function SignIn({ session }: { session: SessionState }) {
  const signIn = useSession((state) => state.signIn);
  const [username, setUsername] = useState(session.locked?.username ?? '');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [askCode, setAskCode] = useState(false);
  const [refusal, setRefusal] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setRefusal(undefined);
    try {
      const answer = await signIn({ username, password, ...(askCode && code !== '' ? { code } : {}) });
      if (!answer.ok) {
        setRefusal(answer.message);
        if (answer.reason === 'code_needed' || answer.reason === 'wrong_code') setAskCode(true);
        if (answer.reason === 'wrong_credentials') setPassword('');
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Container size="xs" py="xl">
      <Card withBorder padding="lg">
        <form onSubmit={(event) => void submit(event)} aria-label="Sign in">
          <Stack>
            <Title order={1} size="h2" c="teal.8">
              Sign in to Mshahara
            </Title>
            <Text size="sm" c="dimmed">
              Profile <b>{session.profile}</b>
            </Text>
            {session.locked && (
              <Alert color="blue" variant="light" data-testid="lock-message">
                {session.locked.message}
              </Alert>
            )}
            <TextInput
              label="Username"
              value={username}
              onChange={(event) => setUsername(event.currentTarget.value)}
              autoComplete="username"
              required
              data-testid="signin-username"
            />
            <PasswordInput
              label="Password"
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              autoComplete="current-password"
              required
              data-testid="signin-password"
            />
            {askCode && (
              <TextInput
                label="Code from your authenticator app"
                value={code}
                onChange={(event) => setCode(event.currentTarget.value)}
                inputMode="numeric"
                autoComplete="one-time-code"
                data-testid="signin-code"
              />
            )}
            {refusal && (
              <Alert color="red" variant="light" data-testid="signin-refusal">
                {refusal}
              </Alert>
            )}
            <Problem error={error} />
            <Group justify="flex-end">
              <Button type="submit" loading={busy} data-testid="signin-submit">
                Sign in
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
      {session.demoPeople && session.demoPeople.people.length > 0 && <DemoPeople demo={session.demoPeople} />}
    </Container>
  );
}

function DemoPeople({ demo }: { demo: NonNullable<SessionState['demoPeople']> }) {
  return (
    <Card withBorder padding="md" mt="md" data-testid="demo-people">
      <Stack gap="xs">
        <Title order={2} size="h5">
          Demo: sample people
        </Title>
        <List size="sm" spacing={4}>
          {demo.people.map((person) => (
            <List.Item key={person.username}>
              <b>{person.username}</b> ({person.displayName}):{' '}
              {person.roles.map((role) => roleWords[role].name).join(', ')}
            </List.Item>
          ))}
        </List>
        <Text size="sm">{demo.howToSignIn}</Text>
      </Stack>
    </Card>
  );
}

const firstAdminFields = ['username', 'displayName', 'password'];

/** The profile's first account, an admin, with a password the person chooses (there is no default). */
export function FirstAdminForm({ kind, onDone }: { kind: string; onDone(session: SessionState): void }) {
  const [fields, setFields] = useState({ username: '', displayName: '', password: '', again: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const mismatch = fields.again !== '' && fields.again !== fields.password ? 'The two passwords differ' : undefined;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(undefined);
    try {
      const { username, displayName, password } = fields;
      onDone(await call('session.createFirstAdmin', { username, displayName, password }));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }
  const field = (name: keyof typeof fields) => ({
    value: fields[name],
    onChange: (event: { currentTarget: { value: string } }) => {
      const value = event.currentTarget.value;
      setFields((now) => ({ ...now, [name]: value }));
    },
    error: fieldError(error, name),
  });

  return (
    <Card withBorder padding="lg">
      <form onSubmit={(event) => void submit(event)} aria-label="First admin">
        <Stack>
          <Title order={2} size="h4">
            Create the first admin
          </Title>
          <Text size="sm">
            The admin adds the people who prepare, approve and account for payroll, and sets Mshahara up; an admin moves
            no money. Choose your own password: there is no default one.
            {kind === 'demo' &&
              ' The demo also adds a sample payroll officer, approver and accountant who sign in with this password.'}
          </Text>
          <TextInput
            label="Username"
            {...field('username')}
            autoComplete="username"
            required
            data-testid="admin-username"
          />
          <TextInput
            label="Your name"
            {...field('displayName')}
            autoComplete="name"
            required
            data-testid="admin-name"
          />
          <PasswordInput
            label="Password"
            description="At least 10 characters; a short sentence you will remember works well."
            {...field('password')}
            autoComplete="new-password"
            required
            data-testid="admin-password"
          />
          <PasswordInput
            label="The same password again"
            {...field('again')}
            error={mismatch}
            autoComplete="new-password"
            required
            data-testid="admin-password-again"
          />
          <Problem error={formProblem(error, firstAdminFields)} />
          <Group justify="flex-end">
            <Button type="submit" loading={busy} data-testid="admin-create">
              Create and sign in
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** A profile that has no account yet (made before Mshahara had sign-in, or left at First start). */
export function FirstAdmin({ session }: { session: SessionState }) {
  const set = useSession((state) => state.set);
  return (
    <Container size="sm" py="xl">
      <Stack>
        <Title order={1} c="teal.8">
          Welcome to Mshahara
        </Title>
        <Text>
          Profile <b>{session.profile}</b> has nobody who can sign in yet.
        </Text>
        <FirstAdminForm kind={session.demoPeople === null ? 'real' : 'demo'} onDone={set} />
      </Stack>
    </Container>
  );
}

/** Signed in with a password an admin handed over: the person chooses their own before anything else. */
export function ChooseOwnPassword({ session }: { session: SessionState }) {
  const set = useSession((state) => state.set);
  const signOut = useSession((state) => state.signOut);
  const [fields, setFields] = useState({ currentPassword: '', newPassword: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      set(await call('session.changePassword', fields));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Container size="xs" py="xl">
      <Card withBorder padding="lg">
        <form onSubmit={(event) => void submit(event)} aria-label="Choose your password">
          <Stack>
            <Title order={1} size="h3">
              Choose your own password
            </Title>
            <Text size="sm">
              {session.signedIn?.displayName}, an admin gave you a first password. Choose your own before going on:
              nobody else should know it.
            </Text>
            <PasswordInput
              label="The password you were given"
              value={fields.currentPassword}
              onChange={(event) => setFields({ ...fields, currentPassword: event.currentTarget.value })}
              error={fieldError(error, 'currentPassword')}
              autoComplete="current-password"
              required
            />
            <PasswordInput
              label="Your new password"
              value={fields.newPassword}
              onChange={(event) => setFields({ ...fields, newPassword: event.currentTarget.value })}
              error={fieldError(error, 'newPassword')}
              autoComplete="new-password"
              required
            />
            <Problem error={formProblem(error, ['currentPassword', 'newPassword'])} />
            <Group justify="space-between">
              <Button variant="subtle" onClick={() => void signOut()}>
                Sign out
              </Button>
              <Button type="submit" loading={busy}>
                Save and go on
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
    </Container>
  );
}

/** Who is signed in, in the frame's header, with Sign out. */
export function SignedInAs({ session }: { session: SessionState }) {
  const signOut = useSession((state) => state.signOut);
  const person = session.signedIn;
  if (!person) return null;
  return (
    <Group gap="xs" data-testid="signed-in-as">
      <Text size="sm">
        <b>{person.displayName}</b>
      </Text>
      {person.roles.map((role) => (
        <Badge key={role} variant="outline" size="sm">
          {roleWords[role].name}
        </Badge>
      ))}
      <Button size="compact-sm" variant="subtle" onClick={() => void signOut()} data-testid="sign-out">
        Sign out
      </Button>
    </Group>
  );
}

/**
 * An approver on a profile that asks approvers for an authenticator app, signed in without one:
 * they set it up here before anything else (the core refuses every other call until it is on).
 */
export function SetUpSecondFactor({ session }: { session: SessionState }) {
  const signOut = useSession((state) => state.signOut);
  return (
    <Container size="sm" py="xl">
      <Stack>
        <Title order={1} size="h3">
          Set up your authenticator app
        </Title>
        <Text size="sm">
          {session.signedIn?.displayName}, approvers on this profile confirm who they are with a code from an
          authenticator app as well as their password. Set it up now; you will be asked for a code at each sign-in.
        </Text>
        <AuthenticatorApp on={false} />
        <Group>
          <Button variant="subtle" onClick={() => void signOut()}>
            Sign out
          </Button>
        </Group>
      </Stack>
    </Container>
  );
}
