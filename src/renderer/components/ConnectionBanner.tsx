// Says so across the top of every screen while the core cannot be reached; nothing when it can.
import { Alert } from '@mantine/core';
import { useConnection } from '../lib/connection';

export function ConnectionBanner() {
  const connection = useConnection();
  if (connection === 'connected') return null;
  return (
    <Alert
      color="orange"
      variant="filled"
      role="alert"
      mb="sm"
      data-testid="connection-banner"
      data-connection={connection}
    >
      {connection === 'reconnecting'
        ? "Lost connection to Mshahara's core — reconnecting…"
        : "Lost connection to Mshahara's core. Nothing on screen is current; reload the page to connect again."}
    </Alert>
  );
}
