// The one way a screen says that something went wrong: an alert with the core's own words.
import { Alert } from '@mantine/core';
import { problemText } from '../api';

export function Problem({ error, title = 'That did not work' }: { error: unknown; title?: string }) {
  if (error === undefined || error === null) return null;
  return (
    <Alert color="red" title={title} role="alert" variant="light">
      {problemText(error)}
    </Alert>
  );
}
