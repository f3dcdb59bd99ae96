// What each person may do with a draft, as the core says (review.viewer): the approver approves
// once every duplicate warning is ticked; the maker waits for an approver other than them, adds
// people, or discards the draft.
import { Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { RunReview } from '../../../shared/contract';
import { call } from '../../api';
import { showProblem } from '../../components/notify';
import { AddWorkers } from './AddWorkers';

export function DraftActions({
  review,
  ticked,
  onChanged,
}: {
  review: RunReview;
  ticked: ReadonlySet<string>;
  onChanged(): void;
}) {
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [adding, setAdding] = useState(false);
  const [discarding, setDiscarding] = useState(false);
  const { viewer, duplicateWarnings, run } = review;
  const allTicked = duplicateWarnings.every((w) => ticked.has(w.key));

  async function act(what: string, work: () => Promise<unknown>, done: string) {
    setBusy(what);
    try {
      await work();
      notifications.show({ message: done });
      onChanged();
    } catch (error) {
      showProblem('Not done', error);
    } finally {
      setBusy(undefined);
    }
  }

  const approve = () =>
    act(
      'approve',
      () => call('runs.approve', { runId: run.id, acknowledgedWarnings: [...ticked] }),
      'Your approval is recorded.',
    );
  const discard = () => act('discard', () => call('runs.discard', { runId: run.id }), 'Draft discarded.');

  return (
    <Group>
      {viewer.mayApprove && (
        <Button
          onClick={() => void approve()}
          loading={busy === 'approve'}
          disabled={!allTicked}
          title={allTicked ? undefined : 'Tick each possible double payment first'}
          data-testid="approve-run"
        >
          Approve
        </Button>
      )}
      {viewer.isMaker && !viewer.mayApprove && (
        <Text size="sm" c="dimmed" data-testid="waiting-for-approval">
          Waiting for approval by an approver other than you
        </Text>
      )}
      {viewer.mayEdit && (
        <>
          <Button variant="light" onClick={() => setAdding(true)} data-testid="add-workers">
            Add people
          </Button>
          {discarding ? (
            <>
              <Button
                color="red"
                onClick={() => void discard()}
                loading={busy === 'discard'}
                data-testid="confirm-discard"
              >
                Discard this draft
              </Button>
              <Button variant="default" onClick={() => setDiscarding(false)}>
                Keep it
              </Button>
            </>
          ) : (
            <Button variant="light" color="red" onClick={() => setDiscarding(true)} data-testid="discard-run">
              Discard
            </Button>
          )}
        </>
      )}
      {adding && (
        <AddWorkers
          runId={run.id}
          onClose={() => {
            setAdding(false);
            onChanged();
          }}
        />
      )}
    </Group>
  );
}
