// The maker changes one line of their draft: amount, number, name or remarks. Only what changed
// is sent; the core checks it is their run and voids any approval of the run as it was.
import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { ReviewLine } from '../../../shared/contract';
import { formatMsisdn } from '../../../shared/phone';
import { call } from '../../api';
import { MoneyInput, readShillings } from '../../components/MoneyInput';
import { Problem } from '../../components/Problem';

const shillings = (cents: number) => (cents / 100).toFixed(2);

export function EditLine({ line, onClose }: { line: ReviewLine; onClose(): void }) {
  const [name, setName] = useState(line.name);
  const [phone, setPhone] = useState(formatMsisdn(line.phone));
  const [amount, setAmount] = useState(shillings(line.amountCents));
  const [remarks, setRemarks] = useState(line.remarks ?? '');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const read = readShillings(amount, { optional: false });

  async function save() {
    if ('reason' in read) return;
    const changes = {
      ...(name.trim() === line.name ? {} : { name }),
      ...(phone.trim() === formatMsisdn(line.phone) ? {} : { phone }),
      ...(read.cents === null || read.cents === line.amountCents ? {} : { amountCents: read.cents }),
      ...(remarks.trim() === (line.remarks ?? '') ? {} : { remarks }),
    };
    setBusy(true);
    try {
      if (Object.keys(changes).length > 0) await call('runs.editLine', { itemId: line.itemId, changes });
      onClose();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={`Change ${line.name}`}>
      <Stack>
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <TextInput label="M-Pesa number" value={phone} onChange={(e) => setPhone(e.currentTarget.value)} />
        <MoneyInput label="Amount" value={amount} onChange={setAmount} error={'reason' in read ? read.reason : null} />
        <TextInput label="Remarks" value={remarks} onChange={(e) => setRemarks(e.currentTarget.value)} />
        <Problem error={error} title="Not changed" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep as it is
          </Button>
          <Button onClick={() => void save()} loading={busy} data-testid="save-line">
            Save the line
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
