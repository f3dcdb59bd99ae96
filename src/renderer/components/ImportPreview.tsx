// What a payroll or worker file holds before anything is saved: the rows Mshahara will use, the
// rows it leaves out (each with its row number in the file and the reason in plain words, and as a
// file to fix and import again), the rows worth a second look, and notes on the file as a whole.
import { Alert, Badge, Button, Group, Stack, Table, Tabs, Text } from '@mantine/core';
import { useState } from 'react';
import { call } from '../api';
import { deliverFile } from '../lib/produced-file';
import { Problem } from './Problem';
import { formatMsisdn } from '../../shared/phone';
import type { ImportPreviewView } from '../../shared/contract';
import { Money } from './Money';
import { VirtualTable, type Column } from './VirtualTable';
import { formatCount, formatNumber } from '../../shared/format';

type ValidRow = ImportPreviewView['valid'][number];

const validColumns: Column<ValidRow>[] = [
  { key: 'row', header: 'Row', width: '60px', render: (row) => row.row },
  { key: 'name', header: 'Name', width: '1.4fr', render: (row) => row.name },
  { key: 'phone', header: 'Phone', width: '130px', render: (row) => formatMsisdn(row.phone) },
  {
    key: 'amount',
    header: 'Amount',
    width: '140px',
    align: 'right',
    render: (row) => <Money cents={row.amountCents} />,
  },
  { key: 'reference', header: 'Reference', width: '1fr', render: (row) => row.reference },
];

export function ImportPreview({ preview, fileName }: { preview: ImportPreviewView; fileName?: string }) {
  const [error, setError] = useState<unknown>(undefined);
  async function downloadLeftOut(format: 'csv' | 'xlsx') {
    setError(undefined);
    try {
      deliverFile(
        await call('imports.leftOutFile', {
          fileName: fileName ?? 'payroll',
          titles: preview.columns.map((c) => c.title),
          rows: preview.invalid,
          format,
        }),
      );
    } catch (failure) {
      setError(failure);
    }
  }
  return (
    <Stack gap="sm" data-testid="import-preview">
      <Group gap="xs">
        <Badge color="teal" variant="light" data-testid="valid-count">
          {formatCount(preview.valid.length, 'row')} to pay
        </Badge>
        <Badge color={preview.invalid.length ? 'red' : 'gray'} variant="light" data-testid="invalid-count">
          {formatCount(preview.invalid.length, 'row')} left out
        </Badge>
        <Text size="sm">
          Total <Money cents={preview.totals.amountCents} fw={600} />
        </Text>
      </Group>
      {preview.invalid.length > 0 && (
        <Alert color="red" variant="light" title="These rows will be left out" p="sm">
          <Table data-testid="invalid-rows" aria-label="Rows left out">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={70}>Row</Table.Th>
                <Table.Th>Reason</Table.Th>
                <Table.Th>As written in the file</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {preview.invalid.map((row) => (
                <Table.Tr key={row.row} data-row={row.row}>
                  <Table.Td data-testid="invalid-row-number">{row.row}</Table.Td>
                  <Table.Td data-testid="invalid-row-reason">{row.reason}</Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace" c="dimmed">
                      {row.raw.join(' | ')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Group gap="xs" mt="xs">
            <Text size="xs">Fix them in a copy and import it again:</Text>
            <Button
              size="compact-xs"
              variant="light"
              color="red"
              onClick={() => void downloadLeftOut('csv')}
              data-testid="download-left-out-csv"
            >
              Download these rows (CSV)
            </Button>
            <Button
              size="compact-xs"
              variant="light"
              color="red"
              onClick={() => void downloadLeftOut('xlsx')}
              data-testid="download-left-out-xlsx"
            >
              Excel
            </Button>
          </Group>
          <Problem error={error} title="The rows could not be written" />
        </Alert>
      )}
      {preview.notes.length > 0 && (
        <Alert color="blue" variant="light" title="About this file" p="sm" data-testid="file-notes">
          <Stack gap={2}>
            {preview.notes.map((note) => (
              <Text size="sm" key={note}>
                {note}
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
      {preview.warnings.length > 0 && (
        <Alert color="yellow" variant="light" title="Worth a second look" p="sm">
          <Stack gap={2}>
            {preview.warnings.map((warning) => (
              <Text size="sm" key={`${warning.row}-${warning.message}`} data-testid="review-flag">
                Row {warning.row}: {warning.message}
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
      <Tabs defaultValue="valid">
        <Tabs.List>
          <Tabs.Tab value="valid">Rows to pay ({formatNumber(preview.valid.length)})</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="valid" pt="xs">
          <VirtualTable
            label="Rows to pay"
            columns={validColumns}
            rowCount={preview.valid.length}
            getRow={(index) => preview.valid[index]}
            height={Math.min(320, 32 * preview.valid.length + 4)}
            testId="valid-rows"
          />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
