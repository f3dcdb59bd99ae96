// A payroll run from a file: the file previewed (rows left out with reasons, rows to look at twice,
// charges, float) with the person's sheet and column choices, and the draft run made from exactly
// the bytes that were previewed. A payroll earlier runs already pay needs "pay again" ticked.
import { Alert, Button, Checkbox, Group, List, Text } from '@mantine/core';
import { useState } from 'react';
import type { MethodOutput, RunView } from '../../../shared/contract';
import { call } from '../../api';
import { ImportPreview } from '../../components/ImportPreview';
import { Money } from '../../components/Money';
import { PayrollFileChooser, type ChosenFile } from '../../components/PayrollFileChooser';
import { formatCount } from '../../../shared/format';

type FilePreview = MethodOutput<'runs.previewFile'>;

export interface FromFileProps {
  title: string;
  busy: boolean;
  create(make: () => Promise<RunView>): Promise<void>;
}

export function FromFile({ title, busy, create }: FromFileProps) {
  const [file, setFile] = useState<ChosenFile | undefined>(undefined);
  const [preview, setPreview] = useState<FilePreview | undefined>(undefined);
  const [payAgain, setPayAgain] = useState(false);
  const paidBefore = (preview?.earlierRuns.length ?? 0) > 0;

  return (
    <>
      <PayrollFileChooser<FilePreview>
        label="Payroll file"
        description="CSV or Excel with name, phone and amount; reference, national ID, staff number and department if you have them"
        testId="run-file"
        read={(chosen) => call('runs.previewFile', chosen)}
        previewOf={(answer) => answer.preview}
        onRead={(chosen, answer) => {
          setFile(chosen);
          setPreview(answer);
          setPayAgain(false);
        }}
      >
        {(answer, chosen) => (
          <>
            <ImportPreview preview={answer.preview} fileName={chosen.fileName} />
            <Group gap="xl">
              <Text size="sm">
                Estimated M-Pesa charges <Money cents={answer.estimatedChargesCents} fw={600} />
              </Text>
              <Text size="sm">
                Needed in the float <Money cents={answer.floatCheck.requiredCents} fw={600} />
              </Text>
            </Group>
            <Alert
              color={answer.floatCheck.enough === false ? 'red' : answer.floatCheck.enough ? 'teal' : 'yellow'}
              variant="light"
              p="sm"
            >
              {answer.floatCheck.message}
            </Alert>
            {answer.earlierRuns.length > 0 && (
              <Alert
                color="red"
                variant="light"
                title="This payroll was paid before, or is being paid"
                data-testid="paid-before"
              >
                <List size="sm" mb="xs">
                  {answer.earlierRuns.map((earlier) => (
                    <List.Item key={earlier.runId}>{earlier.message}</List.Item>
                  ))}
                </List>
                <Checkbox
                  label="Pay these people again: I know they were paid and this is new pay"
                  checked={payAgain}
                  onChange={(event) => setPayAgain(event.currentTarget.checked)}
                  data-testid="pay-again"
                />
              </Alert>
            )}
          </>
        )}
      </PayrollFileChooser>
      <Group justify="flex-end">
        <Button
          disabled={
            !file ||
            !preview ||
            preview.preview.valid.length === 0 ||
            preview.preview.missingColumns.length > 0 ||
            (paidBefore && !payAgain)
          }
          loading={busy}
          data-testid="create-run"
          onClick={() =>
            file &&
            void create(() => call('runs.createFromFile', { title, ...file, ...(paidBefore ? { payAgain } : {}) }))
          }
        >
          Create the run ({formatCount(preview?.preview.valid.length ?? 0, 'worker')})
        </Button>
      </Group>
    </>
  );
}
