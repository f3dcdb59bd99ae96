// Reconciliation: the M-Pesa statement as the accountant's ground truth. Import a statement (with a
// preview), look at every row in its bucket beside the ledger row, tick rows until the difference
// to the statement's closing balance is zero and finish (the rows lock), see the history, and read
// an account's float statement for the period (and export it for Xero or QuickBooks).
import { Group, Select, Stack, Tabs, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { invalidate } from '../lib/queries';
import { nairobiMonth } from '../../shared/time';
import { FloatStatement } from './reconcile/FloatStatement';
import { History } from './reconcile/History';
import { ImportStatement } from './reconcile/ImportStatement';
import { Matching } from './reconcile/Matching';
import { ReconcilePeriod } from './reconcile/ReconcilePeriod';

export function Reconcile() {
  const [account, setAccount] = useState('Utility Account');
  const [period, setPeriod] = useState(() => nairobiMonth());
  const [tab, setTab] = useState<string | null>('import');
  const client = useQueryClient();
  // A tick, a decision, an import or a finish: the period, the history and the float are read again.
  const changed = () => void invalidate(client, [['reconcile.show'], ['reconcile.history'], ['statements.float']]);
  return (
    <Stack data-testid="reconcile">
      <Group justify="space-between">
        <Title order={2}>Reconcile</Title>
        <Group>
          <Select
            label="Account"
            data={['Utility Account', 'Charges Paid Account', 'Working Account']}
            value={account}
            onChange={(value) => value !== null && setAccount(value)}
            allowDeselect={false}
            data-testid="reconcile-account"
          />
          <TextInput
            label="Period"
            description="2026-12, or 2026-12-01..2026-12-15"
            value={period}
            onChange={(event) => setPeriod(event.currentTarget.value.trim())}
            data-testid="reconcile-period"
          />
        </Group>
      </Group>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="import" data-testid="tab-import">
            Statement import
          </Tabs.Tab>
          <Tabs.Tab value="matching" data-testid="tab-matching">
            Matching
          </Tabs.Tab>
          <Tabs.Tab value="reconcile" data-testid="tab-reconcile">
            Reconcile
          </Tabs.Tab>
          <Tabs.Tab value="history" data-testid="tab-history">
            History
          </Tabs.Tab>
          <Tabs.Tab value="float" data-testid="tab-float">
            Float statement
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="import" pt="md">
          <ImportStatement
            onImported={(imported) => {
              setAccount(imported);
              changed();
            }}
          />
        </Tabs.Panel>
        <Tabs.Panel value="matching" pt="md">
          <Matching account={account} period={period} onChanged={changed} />
        </Tabs.Panel>
        <Tabs.Panel value="reconcile" pt="md">
          <ReconcilePeriod account={account} period={period} onChanged={changed} />
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          <History />
        </Tabs.Panel>
        <Tabs.Panel value="float" pt="md">
          <FloatStatement account={account} period={period} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
