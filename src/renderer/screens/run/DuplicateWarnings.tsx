// Each possible double payment on its own line, with its own tick: the approver reads and ticks
// every one before Approve is offered (the core refuses an approval missing any of them).
import { Alert, Checkbox, Table, Text } from '@mantine/core';
import type { DuplicateWarningView } from '../../../shared/contract';
import { formatCount, formatNumber } from '../../../shared/format';
import { formatMsisdn } from '../../../shared/phone';
import { Money } from '../../components/Money';

export function DuplicateWarnings({
  warnings,
  canTick,
  ticked,
  onTick,
}: {
  warnings: readonly DuplicateWarningView[];
  canTick: boolean;
  ticked: ReadonlySet<string>;
  onTick(key: string, checked: boolean): void;
}) {
  if (warnings.length === 0) return null;
  const done = warnings.filter((w) => ticked.has(w.key)).length;
  return (
    <Alert
      color="orange"
      variant="light"
      title={formatCount(warnings.length, 'possible double payment')}
      data-testid="duplicate-warnings"
    >
      {canTick && (
        <Text size="sm" mb="xs" data-testid="warnings-ticked">
          Tick each one you have checked: {formatNumber(done)} of {formatNumber(warnings.length)} ticked.
        </Text>
      )}
      <Table>
        <Table.Tbody>
          {warnings.map((warning) => (
            <Table.Tr key={warning.key}>
              {canTick && (
                <Table.Td w={32}>
                  <Checkbox
                    aria-label={`Checked: ${warning.message}`}
                    checked={ticked.has(warning.key)}
                    onChange={(event) => onTick(warning.key, event.currentTarget.checked)}
                    data-testid="acknowledge-warning"
                  />
                </Table.Td>
              )}
              <Table.Td>{warning.name}</Table.Td>
              <Table.Td>{formatMsisdn(warning.phone)}</Table.Td>
              <Table.Td ta="right">
                <Money cents={warning.amountCents} />
              </Table.Td>
              <Table.Td>{warning.message}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Alert>
  );
}
