// Money in, for the admin: ask a customer to pay (collections/RequestPayment.tsx), the payment
// requests with where each stands, the money received from customers (Pay Bill and payment
// requests), and the customers' payments that wait for M-Pesa's confirmation or for a person.
import { Badge, Button, Card, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { CollectionRequestView } from '../../shared/contract';
import { formatMsisdn, type Msisdn } from '../../shared/phone';
import { Money } from '../components/Money';
import { showProblem } from '../components/notify';
import { Problem } from '../components/Problem';
import { When } from '../components/When';
import { emptyWords, useContractMutation, useContractQuery } from '../lib/queries';
import { mayCall, useSession } from '../stores/session';
import { EnterReceipt } from './collections/EnterReceipt';
import { MarkChecked } from './collections/MarkChecked';
import { Unconfirmed } from './collections/Unconfirmed';
import { RequestPayment, statusColour } from './collections/RequestPayment';

export function Collections() {
  const session = useSession((state) => state.session);
  const overview = useContractQuery('collections.list', {});
  const value = overview.value;
  const mayAsk = mayCall(session, 'collections.request');
  return (
    <Stack data-testid="collections">
      <Title order={2}>Money in</Title>
      <Problem error={overview.error} />
      {mayAsk && <RequestPayment />}
      <Unconfirmed unconfirmed={value?.unconfirmed ?? []} maySettle={mayCall(session, 'collections.settleSuccess')} />
      <Waiting waiting={value?.waiting ?? []} mayCheck={mayCall(session, 'received.checkAgain')} />
      <Requests
        requests={value?.requests ?? []}
        mayAsk={mayAsk}
        mayRecord={mayCall(session, 'collections.recordReceipt')}
        mayMarkChecked={mayCall(session, 'collections.markChecked')}
        empty={emptyWords(overview, 'No payment requests yet.')}
      />
      <Received received={value?.received ?? []} empty={emptyWords(overview, 'No money received yet.')} />
    </Stack>
  );
}

function Requests({
  requests,
  mayAsk,
  mayRecord,
  mayMarkChecked,
  empty,
}: {
  requests: CollectionRequestView[];
  mayAsk: boolean;
  mayRecord: boolean;
  mayMarkChecked: boolean;
  empty: string;
}) {
  const [checking, setChecking] = useState<CollectionRequestView | undefined>(undefined);
  const [asking, setAsking] = useState<CollectionRequestView | undefined>(undefined);
  const [entering, setEntering] = useState<CollectionRequestView | undefined>(undefined);
  const askAgain = useContractMutation('collections.askAgain');
  async function confirmAgain() {
    if (!asking) return;
    try {
      const again = await askAgain.mutateAsync({ id: asking.id });
      notifications.show({ message: `Asked again as payment request #${again.id}.` });
      setAsking(undefined);
    } catch (error) {
      showProblem('Not asked again', error);
    }
  }
  return (
    <Card withBorder data-testid="payment-requests">
      <Title order={3} size="h4" mb="xs">
        Payment requests
      </Title>
      {requests.length === 0 ? (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      ) : (
        <Table striped verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Asked</Table.Th>
              <Table.Th>Customer</Table.Th>
              <Table.Th ta="right">Amount</Table.Th>
              <Table.Th>Reference</Table.Th>
              <Table.Th>Where it stands</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {requests.map((request) => (
              <Table.Tr key={request.id} data-testid="payment-request">
                <Table.Td>
                  <When at={request.askedAt} />
                  <Text size="xs" c="dimmed">
                    #{request.id} by {request.askedBy}
                  </Text>
                </Table.Td>
                <Table.Td>{formatMsisdn(request.phone as Msisdn)}</Table.Td>
                <Table.Td ta="right">
                  <Money cents={request.amountCents} />
                </Table.Td>
                <Table.Td>{request.accountReference}</Table.Td>
                <Table.Td>
                  <Badge
                    color={statusColour(request)}
                    variant="light"
                    tt="none"
                    size="lg"
                    fw={500}
                    data-testid="payment-request-status"
                  >
                    {request.status}
                  </Badge>
                  {request.note && (
                    <Text size="xs" c="dimmed" maw={420}>
                      {request.note}
                    </Text>
                  )}
                  {request.attention !== null && (
                    <Text size="xs" c="orange.8" maw={420} data-testid="payment-request-attention">
                      Look at this: {request.attention}
                    </Text>
                  )}
                  {request.askedAgainAs !== null && (
                    <Text size="xs" c="dimmed">
                      Asked again as #{request.askedAgainAs}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    {mayMarkChecked && request.attention !== null && (
                      <Button
                        size="compact-xs"
                        variant="light"
                        color="orange"
                        onClick={() => setChecking(request)}
                        data-testid="mark-checked"
                      >
                        Mark as checked
                      </Button>
                    )}
                    {mayRecord && request.canEnterReceipt && (
                      <Button size="compact-xs" variant="light" onClick={() => setEntering(request)}>
                        Enter the receipt
                      </Button>
                    )}
                    {mayAsk && request.canAskAgain && (
                      <Button size="compact-xs" variant="light" onClick={() => setAsking(request)}>
                        Ask again
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {entering && <EnterReceipt request={entering} onClose={() => setEntering(undefined)} />}
      {checking && <MarkChecked request={checking} onClose={() => setChecking(undefined)} />}
      <Modal opened={asking !== undefined} onClose={() => setAsking(undefined)} title="Ask the customer again?">
        {asking && (
          <Stack>
            <Text size="sm">
              A new prompt for <Money cents={asking.amountCents} /> goes to {formatMsisdn(asking.phone as Msisdn)}.
            </Text>
            {(asking.state === 'unknown' || asking.state === 'needs_person') && (
              <Text size="sm" c="orange.8" fw={600}>
                M-Pesa may already have sent the first prompt. If the customer paid it, asking again can make them pay
                twice.
              </Text>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setAsking(undefined)}>
                Keep waiting
              </Button>
              <Button loading={askAgain.isPending} onClick={() => void confirmAgain()}>
                Ask again
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Card>
  );
}

function Waiting({
  waiting,
  mayCheck,
}: {
  waiting: Array<{
    inboxId: number;
    receipt: string;
    amountCents: number;
    words: string;
    receivedAt: string;
    canCheckAgain: boolean;
  }>;
  mayCheck: boolean;
}) {
  const checkAgain = useContractMutation('received.checkAgain');
  if (waiting.length === 0) return null;
  async function check(inboxId: number) {
    try {
      await checkAgain.mutateAsync({ inboxId });
      notifications.show({ message: 'Mshahara is asking M-Pesa again.' });
    } catch (error) {
      showProblem('Not checked', error);
    }
  }
  return (
    <Card withBorder data-testid="waiting-payments">
      <Title order={3} size="h4" mb="xs">
        Customers’ payments not yet confirmed
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        A customer’s payment is recorded only once M-Pesa confirms it. Nothing here is in the ledger.
      </Text>
      <Table verticalSpacing={6}>
        <Table.Tbody>
          {waiting.map((payment) => (
            <Table.Tr key={payment.inboxId} data-testid="waiting-payment">
              <Table.Td>
                <When at={payment.receivedAt} />
              </Table.Td>
              <Table.Td>{payment.receipt}</Table.Td>
              <Table.Td ta="right">
                <Money cents={payment.amountCents} />
              </Table.Td>
              <Table.Td>{payment.words}</Table.Td>
              <Table.Td>
                {mayCheck && payment.canCheckAgain && (
                  <Button size="compact-xs" variant="light" onClick={() => void check(payment.inboxId)}>
                    Check again
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

function Received({
  received,
  empty,
}: {
  received: Array<{
    id: number;
    receipt: string | null;
    occurredAt: string;
    kind: 'c2b_payment' | 'stk_payment';
    amountCents: number;
    partyName: string | null;
    partyDisplay: string | null;
    phone: string | null;
    accountReference: string | null;
  }>;
  empty: string;
}) {
  return (
    <Card withBorder data-testid="money-received">
      <Title order={3} size="h4" mb="xs">
        Money received
      </Title>
      {received.length === 0 ? (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      ) : (
        <Table striped verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Receipt</Table.Th>
              <Table.Th>How</Table.Th>
              <Table.Th>From</Table.Th>
              <Table.Th>Reference</Table.Th>
              <Table.Th ta="right">Amount</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {received.map((row) => (
              <Table.Tr key={row.id} data-testid="received-row">
                <Table.Td>
                  <When at={row.occurredAt} />
                </Table.Td>
                <Table.Td ff="monospace">{row.receipt ?? ''}</Table.Td>
                <Table.Td>{row.kind === 'stk_payment' ? 'Payment request' : 'Pay Bill'}</Table.Td>
                <Table.Td>
                  {row.phone !== null ? formatMsisdn(row.phone as Msisdn) : (row.partyDisplay ?? '')}
                  {row.partyName && (
                    <Text size="xs" c="dimmed">
                      {row.partyName}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{row.accountReference ?? ''}</Table.Td>
                <Table.Td ta="right">
                  <Money cents={row.amountCents} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
