// Settings, for the admin: registers where M-Pesa sends customers' Pay Bill payments (the C2B
// confirmation and validation URLs) for the profile's shortcode, and says what M-Pesa answered.
import { Alert, Button, Card, Stack, Text, Title } from '@mantine/core';
import { Problem } from '../../components/Problem';
import { useContractMutation } from '../../lib/queries';

export function PayBillUrls() {
  const register = useContractMutation('collections.registerUrls');
  const answer = register.data;
  return (
    <Card withBorder data-testid="paybill-urls">
      <Title order={3} size="h4" mb="xs">
        Customers’ Pay Bill payments
      </Title>
      <Stack gap="xs">
        <Text size="sm">
          M-Pesa sends each payment a customer makes to your Pay Bill to the addresses registered for your shortcode.
          Register Mshahara’s addresses (through your relay) so those payments arrive here; each is recorded once M-Pesa
          confirms it.
        </Text>
        <div>
          <Button variant="light" loading={register.isPending} onClick={() => register.mutate({})}>
            Register C2B URLs
          </Button>
        </div>
        <Problem error={register.error} title="Not registered" />
        {answer && (
          <Alert color={answer.registered ? 'teal' : 'orange'} variant="light" data-testid="paybill-urls-answer">
            <Text size="sm">{answer.words}</Text>
            <Text size="xs" c="dimmed">
              Shortcode {answer.shortcode}; payments go to {answer.confirmationUrl}
            </Text>
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
