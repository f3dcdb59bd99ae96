// The low-float warning, where a run is decided or sent and on the dashboard: shown only when the
// admin set a level and the last Utility balance M-Pesa reported is below it. It refuses nothing;
// the float check beside it refuses a run the float cannot pay.
import { Alert } from '@mantine/core';
import { useContractQuery } from '../lib/queries';

export function LowFloatWarning() {
  const warning = useContractQuery('float.warning', {}).value?.warning ?? null;
  if (warning === null) return null;
  return (
    <Alert color="orange" variant="light" title="The float is low" role="status" data-testid="low-float-warning">
      {warning.message}
    </Alert>
  );
}
