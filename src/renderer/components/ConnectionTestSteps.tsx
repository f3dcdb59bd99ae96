// The connection test's steps as an admin reads them: each passed, failed or not checked, with what
// exactly was verified. "Not checked" is never coloured as a success.
import { List, Text } from '@mantine/core';
import type { MethodOutput } from '../../shared/contract';
import { Problem } from './Problem';

type ConnectionTest = MethodOutput<'setup.testConnection'>;
type Status = ConnectionTest['steps'][number]['status'];

const statusWords: Record<Status, { label: string; color: string }> = {
  passed: { label: 'Passed', color: 'teal' },
  failed: { label: 'Failed', color: 'red' },
  not_checked: { label: 'Not checked', color: 'dimmed' },
};

const stepWords: Record<ConnectionTest['steps'][number]['step'], string> = {
  token: 'Consumer key and secret',
  balance_query: 'Initiator name and password',
  callback: 'Answers reaching Mshahara',
};

export function ConnectionTestSteps({ test }: { test: ConnectionTest }) {
  return (
    <>
      <List spacing={4} aria-label="Connection test" data-testid="connection-test">
        {test.steps.map((step) => (
          <List.Item key={step.step}>
            <Text span fw={600} c={statusWords[step.status].color}>
              {statusWords[step.status].label}
            </Text>{' '}
            <Text span fw={500}>
              {stepWords[step.step]}:
            </Text>{' '}
            {step.message}
          </List.Item>
        ))}
      </List>
      {test.failure && <Problem error={new Error(test.failure)} title="The connection does not work yet" />}
      {test.ok && <Text c="teal">Every step was verified with M-Pesa: Mshahara can pay through this profile.</Text>}
    </>
  );
}
