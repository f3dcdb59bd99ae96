// The line every screen shows while the profile runs "single person": the maker approves and
// sends their own payroll runs, with nobody else looking. Nothing shows under any other policy,
// or before anyone is signed in.
import { Alert } from '@mantine/core';
import { useMe } from '../lib/me';

export function SinglePersonBanner() {
  const me = useMe();
  if (!me.value?.singlePerson) return null;
  return (
    <Alert color="red" variant="light" data-testid="single-person-banner">
      Single person: whoever prepares a payroll run here approves and sends it alone. An admin can ask for a second
      person in Settings.
    </Alert>
  );
}
