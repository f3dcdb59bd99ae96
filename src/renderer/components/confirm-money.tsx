// The confirmation before any button that moves money: a dialog saying how much goes to how many,
// from which M-Pesa account, and whether it is real money. Answers whether the person confirmed.
import { Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { moneyMoveWords, paysRealMoney, type MoneyMove, type PayingProfile } from './money-move';

export function confirmMoneyMove(
  move: MoneyMove,
  { title, confirmLabel, caution }: { title: string; confirmLabel: string; caution?: string },
  profile: PayingProfile | null | undefined,
): Promise<boolean> {
  const { question, consequence } = moneyMoveWords(move, profile);
  return new Promise((resolve) => {
    modals.openConfirmModal({
      title,
      centered: true,
      children: (
        <Stack gap="xs" data-testid="confirm-money">
          <Text data-testid="confirm-money-question">{question}</Text>
          {caution !== undefined && (
            <Text size="sm" data-testid="confirm-money-caution">
              {caution}
            </Text>
          )}
          <Text fw={600} c={paysRealMoney(profile) ? 'red.8' : 'dimmed'} data-testid="confirm-money-consequence">
            {consequence}
          </Text>
        </Stack>
      ),
      labels: { confirm: confirmLabel, cancel: 'Not now' },
      confirmProps: { color: paysRealMoney(profile) ? 'red' : 'orange', 'data-testid': 'confirm-money-yes' },
      cancelProps: { 'data-testid': 'confirm-money-no' },
      onConfirm: () => resolve(true),
      onCancel: () => resolve(false),
      // Closing with Escape or the cross is a no as well; a settled promise ignores the second answer.
      onClose: () => resolve(false),
    });
  });
}
