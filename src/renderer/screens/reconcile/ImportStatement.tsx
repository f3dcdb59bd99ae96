// Statement import: the file is read and shown first (account, balances, rows, every line that
// could not be read, every break in the balance column); only then is it stored and matched.
import { Alert, Button, FileInput, Group, List, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import type { MethodOutput } from '../../../shared/contract';
import { fileTooLarge } from '../../../shared/file-limits';
import { call } from '../../api';
import { Money } from '../../components/Money';
import { Problem } from '../../components/Problem';
import { When } from '../../components/When';
import { fileToBase64 } from '../../lib/download';
import { BucketTable } from './BucketTable';
import { formatCount, formatNumber } from '../../../shared/format';

export function ImportStatement({ onImported }: { onImported: (account: string) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [content, setContent] = useState<string | undefined>(undefined);
  const [preview, setPreview] = useState<MethodOutput<'statements.preview'> | undefined>(undefined);
  const [result, setResult] = useState<MethodOutput<'statements.import'> | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const choose = async (picked: File | null) => {
    setFile(picked);
    setPreview(undefined);
    setResult(undefined);
    setError(undefined);
    if (picked === null) return;
    // Refused here, before the file is read or sent: the core would refuse it anyway.
    const tooLarge = fileTooLarge(picked, 'statement');
    if (tooLarge !== undefined) {
      setError(new Error(tooLarge));
      return;
    }
    try {
      const base64 = await fileToBase64(picked);
      setContent(base64);
      setPreview(await call('statements.preview', { fileName: picked.name, contentBase64: base64 }));
    } catch (failure) {
      setError(failure);
    }
  };

  const store = async () => {
    if (file === null || content === undefined) return;
    setBusy(true);
    try {
      const imported = await call('statements.import', { fileName: file.name, contentBase64: content });
      setResult(imported);
      onImported(imported.account);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack>
      <FileInput
        label="M-Pesa statement"
        description="The organisation portal's export, CSV or Excel, one account per file"
        placeholder="Choose a file"
        accept=".csv,.xlsx"
        value={file}
        onChange={(picked) => void choose(picked)}
        data-testid="statement-file"
      />
      <Problem error={error} title="The statement could not be read" />
      {preview && (
        <Stack data-testid="statement-preview">
          <Group gap="xl">
            <Text>
              <b>{preview.account}</b> {preview.organisation ?? ''}
            </Text>
            <Text data-testid="statement-row-count">{formatCount(preview.rowCount, 'row')}</Text>
            {preview.openingBalanceCents !== null && (
              <Text>
                Opening <Money cents={preview.openingBalanceCents} />
              </Text>
            )}
            {preview.closingBalanceCents !== null && (
              <Text>
                Closing <Money cents={preview.closingBalanceCents} />
              </Text>
            )}
          </Group>
          {preview.problems.length > 0 && (
            <Alert
              color="orange"
              title={`${formatCount(preview.problems.length, 'line')} cannot be read and will not be imported`}
            >
              <List size="sm">
                {preview.problems.map((p) => (
                  <List.Item key={p.line}>
                    Line {p.line}: {p.reason}
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}
          {preview.gaps.length > 0 && (
            <Alert color="red" title="The balance column breaks: a row may be missing from the export">
              <List size="sm">
                {preview.gaps.map((g) => (
                  <List.Item key={`${g.after}-${g.before}`}>
                    Between {g.after} and {g.before}: <Money cents={g.missingCents} />
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Line</Table.Th>
                <Table.Th>Receipt</Table.Th>
                <Table.Th>Completed</Table.Th>
                <Table.Th>Details</Table.Th>
                <Table.Th>Other party</Table.Th>
                <Table.Th>Paid in</Table.Th>
                <Table.Th>Withdrawn</Table.Th>
                <Table.Th>Balance</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {preview.sample.map((r) => (
                <Table.Tr key={r.line}>
                  <Table.Td>{r.line}</Table.Td>
                  <Table.Td>{r.receipt}</Table.Td>
                  <Table.Td>
                    <When at={r.completedAt} />
                  </Table.Td>
                  <Table.Td>{r.details}</Table.Td>
                  <Table.Td>{r.otherParty}</Table.Td>
                  <Table.Td>{r.paidInCents > 0 && <Money cents={r.paidInCents} />}</Table.Td>
                  <Table.Td>{r.withdrawnCents > 0 && <Money cents={r.withdrawnCents} />}</Table.Td>
                  <Table.Td>{r.balanceCents !== null && <Money cents={r.balanceCents} />}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {!result && (
            <Group>
              <Button onClick={() => void store()} loading={busy} data-testid="statement-import">
                Import {formatCount(preview.rowCount, 'row')} and match them
              </Button>
            </Group>
          )}
        </Stack>
      )}
      {result && (
        <Stack data-testid="statement-imported">
          <Text>
            {result.account}: {formatCount(result.rowsRead, 'row')} read, {formatNumber(result.rowsNew)} new,{' '}
            {formatNumber(result.rowsRepeated)} already imported.
          </Text>
          {result.buckets.serious > 0 && (
            <Alert color="red" title="Paid by M-Pesa, recorded by Mshahara as failed">
              {formatCount(result.buckets.serious, 'payment')} left the account that the ledger says never did. Look at
              them first in Matching.
            </Alert>
          )}
          <BucketTable buckets={result.buckets} />
        </Stack>
      )}
    </Stack>
  );
}
