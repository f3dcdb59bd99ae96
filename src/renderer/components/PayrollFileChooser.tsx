// Choosing a payroll or worker file: the template to start from, the file (read again every time it
// is chosen, even when it has the same name), the sheet of a workbook, and the columns whose titles
// Mshahara could not place, mapped by the person and remembered for files laid out the same way.
import { Alert, Anchor, Button, FileInput, Group, Select, Stack, Table, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import type { ImportPreviewView } from '../../shared/contract';
import { importColumnNames } from '../../shared/contract-values';
import { fileTooLarge } from '../../shared/file-limits';
import { call } from '../api';
import { fileToBase64 } from '../lib/download';
import { deliverFile } from '../lib/produced-file';
import { Problem } from './Problem';

type Meaning = (typeof importColumnNames)[number];
export type ColumnChoice = Partial<Record<Meaning, number | null>>;

/** The file as it was read when chosen, and the person's choices: what a preview and a create both send. */
export interface ChosenFile {
  fileName: string;
  contentBase64: string;
  sheet?: string;
  mapping?: ColumnChoice;
}

const spoken: Record<Meaning, string> = {
  name: 'Name',
  phone: 'Phone',
  amount: 'Amount',
  reference: 'Reference',
  nationalId: 'National ID',
  staffNumber: 'Staff number',
  department: 'Department',
};

interface Props<P> {
  label: string;
  description: string;
  testId?: string;
  read(file: ChosenFile): Promise<P>;
  previewOf(result: P): ImportPreviewView;
  onRead(file: ChosenFile | undefined, result: P | undefined): void;
  children?(result: P, file: ChosenFile): ReactNode;
}

export function PayrollFileChooser<P>({ label, description, testId, read, previewOf, onRead, children }: Props<P>) {
  const [picked, setPicked] = useState<File | null>(null);
  // A new input each time: the browser fires no change for the same file chosen again otherwise.
  const [inputKey, setInputKey] = useState(0);
  const [file, setFile] = useState<ChosenFile | undefined>(undefined);
  const [result, setResult] = useState<P | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [reading, setReading] = useState(false);
  const [mapping, setMapping] = useState<Record<number, Meaning | null>>({});
  const [mappingOpen, setMappingOpen] = useState(false);

  async function readAs(next: ChosenFile) {
    setReading(true);
    setError(undefined);
    try {
      const answer = await read(next);
      setFile(next);
      setResult(answer);
      onRead(next, answer);
      const preview = previewOf(answer);
      setMapping(Object.fromEntries(preview.columns.map((c) => [c.index, c.meaning])));
      setMappingOpen(preview.missingColumns.length > 0);
    } catch (failure) {
      setError(failure);
      onRead(undefined, undefined);
    } finally {
      setReading(false);
    }
  }

  async function choose(chosen: File | null) {
    setPicked(chosen);
    setInputKey((k) => k + 1);
    setFile(undefined);
    setResult(undefined);
    onRead(undefined, undefined);
    if (!chosen) return;
    // Refused here, before the file is read or sent: the core would refuse it anyway.
    const tooLarge = fileTooLarge(chosen, 'payroll');
    if (tooLarge !== undefined) {
      setError(new Error(tooLarge));
      return;
    }
    await readAs({ fileName: chosen.name, contentBase64: await fileToBase64(chosen) });
  }

  function chosenMapping(): ColumnChoice {
    const choice: ColumnChoice = {};
    for (const meaning of importColumnNames) {
      const entry = Object.entries(mapping).find(([, m]) => m === meaning);
      choice[meaning] = entry === undefined ? null : Number(entry[0]);
    }
    return choice;
  }

  async function template(format: 'csv' | 'xlsx') {
    try {
      deliverFile(await call('workers.template', { format }));
    } catch (failure) {
      setError(failure);
    }
  }

  const preview = result === undefined ? undefined : previewOf(result);
  return (
    <Stack gap="sm">
      <FileInput
        key={inputKey}
        label={label}
        description={description}
        placeholder="Choose a file"
        accept=".csv,.xlsx"
        value={picked}
        onChange={(chosen) => void choose(chosen)}
        data-testid={testId}
      />
      <Text size="xs" c="dimmed">
        Start from a template:{' '}
        <Anchor
          component="button"
          type="button"
          size="xs"
          onClick={() => void template('csv')}
          data-testid="download-template-csv"
        >
          CSV
        </Anchor>{' '}
        ·{' '}
        <Anchor
          component="button"
          type="button"
          size="xs"
          onClick={() => void template('xlsx')}
          data-testid="download-template-xlsx"
        >
          Excel
        </Anchor>
      </Text>
      {reading && <Text size="sm">Reading the file…</Text>}
      <Problem error={error} title="The file could not be read" />
      {file && preview && preview.sheets.length > 1 && (
        <Select
          label="Sheet"
          data={preview.sheets}
          value={preview.sheet}
          allowDeselect={false}
          data-testid="choose-sheet"
          onChange={(sheet) => sheet !== null && void readAs({ ...file, sheet })}
        />
      )}
      {file && preview && (mappingOpen || preview.missingColumns.length > 0) && (
        <Alert
          color={preview.missingColumns.length > 0 ? 'orange' : 'blue'}
          variant="light"
          p="sm"
          title={
            preview.missingColumns.length > 0
              ? `Which column holds the ${preview.missingColumns.map((m) => spoken[m].toLowerCase()).join(' and the ')}?`
              : 'What each column holds'
          }
          data-testid="column-mapping"
        >
          <Table aria-label="Columns of the file">
            <Table.Tbody>
              {preview.columns.map((column) => (
                <Table.Tr key={column.index}>
                  <Table.Td>{column.title === '' ? `Column ${column.index + 1}` : column.title}</Table.Td>
                  <Table.Td w={220}>
                    <Select
                      aria-label={`Meaning of ${column.title === '' ? `column ${column.index + 1}` : column.title}`}
                      data-testid={`map-column-${column.index}`}
                      data={[
                        { value: '', label: 'Not used' },
                        ...importColumnNames.map((m) => ({ value: m, label: spoken[m] })),
                      ]}
                      value={mapping[column.index] ?? ''}
                      allowDeselect={false}
                      onChange={(value) => {
                        const meaning = value === '' || value === null ? null : (value as Meaning);
                        setMapping((current) => {
                          const next = { ...current };
                          // One column per meaning: choosing it here takes it from wherever it was.
                          for (const key of Object.keys(next))
                            if (meaning !== null && next[Number(key)] === meaning) next[Number(key)] = null;
                          next[column.index] = meaning;
                          return next;
                        });
                      }}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Group justify="flex-end" mt="xs">
            <Button
              size="xs"
              data-testid="apply-mapping"
              loading={reading}
              onClick={() => void readAs({ ...file, mapping: chosenMapping() })}
            >
              Read the file with these columns
            </Button>
          </Group>
          <Text size="xs" c="dimmed" mt={4}>
            Mshahara remembers this for files with the same column titles.
          </Text>
        </Alert>
      )}
      {file && preview && !mappingOpen && preview.missingColumns.length === 0 && (
        <Text size="xs" c="dimmed">
          {preview.mappedBy === 'remembered' ? 'Columns read as you mapped them for this layout before. ' : ''}
          <Anchor
            component="button"
            type="button"
            size="xs"
            onClick={() => setMappingOpen(true)}
            data-testid="change-columns"
          >
            Change which column holds what
          </Anchor>
        </Text>
      )}
      {result !== undefined && file && preview && preview.missingColumns.length === 0 && children?.(result, file)}
    </Stack>
  );
}
