// One ledger row in full: what M-Pesa said, which run and attempt it belongs to, corrections that
// point at it, and the callback exactly as it arrived.
import { Code, Drawer, Stack, Table, Text, Title } from '@mantine/core';
import { formatMsisdn } from '../../shared/phone';
import { Money } from '../components/Money';
import { Problem } from '../components/Problem';
import { When } from '../components/When';
import { chargeBasisTitles } from '../lib/charge-basis';
import { useContractQuery } from '../lib/queries';
import { RefundAction } from './ledger/RefundAction';
import { ReverseAction } from './ledger/ReverseAction';

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** One transaction by its id, which the URL carries (#/ledger/345) so a reload keeps it open. */
export function LedgerDetail({ id, onClose }: { id: number; onClose(): void }) {
  const detail = useContractQuery('ledger.detail', { id });
  const value = detail.value;
  const t = value?.transaction;
  return (
    <Drawer opened onClose={onClose} position="right" size="lg" title={`Transaction ${t?.receipt ?? `#${id}`}`}>
      <Stack data-testid="ledger-detail">
        <Problem error={detail.error} />
        {t && (
          <Table>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th>Receipt</Table.Th>
                <Table.Td>{t.receipt ?? '—'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Td>
                  <When at={t.occurredAt} /> (recorded <When at={t.recordedAt} />)
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Amount</Table.Th>
                <Table.Td>
                  <Money cents={t.amountCents} /> {t.direction === 'out' ? 'paid out' : 'received'}
                  {t.chargeCents !== null && (
                    <>
                      , charge <Money cents={t.chargeCents} />{' '}
                      <Text span size="sm" c="dimmed" data-testid="detail-charge-basis">
                        ({chargeBasisTitles[t.chargeBasis ?? 'reported'].toLowerCase()})
                      </Text>
                    </>
                  )}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Party</Table.Th>
                <Table.Td>
                  {/* M-Pesa's own naming ("254712345678 - AKINYI OTIENO") says the number twice beside the phone. */}
                  {(t.phone ? t.partyName : null) ?? t.partyDisplay ?? t.partyName ?? '—'}{' '}
                  {t.phone ? `(${formatMsisdn(t.phone)})` : ''}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>M-Pesa said</Table.Th>
                <Table.Td>
                  {t.resultDesc ?? '—'} {t.resultCode !== null ? `(code ${t.resultCode})` : ''}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Payroll run</Table.Th>
                <Table.Td data-testid="detail-run">
                  {t.runTitle === null
                    ? '—'
                    : `#${t.runId ?? ''} ${t.runTitle}${t.runPeriod === null ? '' : `, pay period ${t.runPeriod}`}`}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Payroll reference</Table.Th>
                <Table.Td>{t.reference ?? '—'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Utility account after</Table.Th>
                <Table.Td>{t.utilityBalanceCents === null ? '—' : <Money cents={t.utilityBalanceCents} />}</Table.Td>
              </Table.Tr>
              {t.correctsId !== null && (
                <Table.Tr>
                  <Table.Th>Corrects</Table.Th>
                  <Table.Td>
                    transaction #{t.correctsId}: {t.correctionReason}
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        )}
        {t && <RefundAction transactionId={id} />}
        {t && <ReverseAction transactionId={t.id} amountCents={t.amountCents} />}
        {value && value.corrections.length > 0 && (
          <Text size="sm" c="orange.8">
            Corrected later by {value.corrections.map((correction) => `#${correction.id}`).join(', ')}.
          </Text>
        )}
        {value && (
          <>
            <Title order={3} size="h5">
              The callback as it arrived
            </Title>
            {value.callback ? (
              <>
                <Text size="sm" c="dimmed">
                  {value.callback.kind} from {value.callback.source}, received <When at={value.callback.receivedAt} />
                </Text>
                <Code block className="raw-json" data-testid="raw-callback">
                  {prettyJson(value.callback.body)}
                </Code>
              </>
            ) : (
              <Text size="sm" c="dimmed">
                No callback: this row came from a status query.
              </Text>
            )}
          </>
        )}
      </Stack>
    </Drawer>
  );
}
