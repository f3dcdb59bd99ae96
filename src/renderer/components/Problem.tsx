// The one way a screen says that something went wrong: an alert with the core's own words, or,
// when the core could not be reached at all, that the connection to it is lost.
import { Alert } from '@mantine/core';
import { ContractFailure, problemText } from '../api';

export function Problem({ error, title = 'That did not work' }: { error: unknown; title?: string }) {
  if (error === undefined || error === null) return null;
  const lost = error instanceof ContractFailure && error.kind === 'unavailable';
  return (
    <Alert color="red" title={lost ? "Lost connection to Mshahara's core" : title} role="alert" variant="light">
      {problemText(error)}
    </Alert>
  );
}
