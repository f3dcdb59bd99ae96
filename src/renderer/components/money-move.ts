// The words of a confirmation before money moves: how much, to how many, from which M-Pesa account,
// and whether it is real money, so the person approves exactly what will happen.
import type { ProfileKind } from '../../shared/contract';
import { formatCount, formatMoney } from '../../shared/format';

export interface PayingProfile {
  name: string;
  kind: ProfileKind;
  shortcode?: string | undefined;
}

/** A button that moves money, with what it will move. */
export type MoneyMove =
  | { kind: 'send'; amountCents: number; workers: number }
  | { kind: 'retry'; amountCents: number; payments: number }
  | { kind: 'resume'; payments: number }
  | { kind: 'refund'; amountCents: number; to: string };

/** "M-Pesa account 600000 (production)", or the profile's name when its shortcode is not known. */
export function accountWords(profile: PayingProfile | null | undefined): string {
  if (!profile) return 'your M-Pesa account';
  const account = profile.shortcode ? `M-Pesa account ${profile.shortcode}` : `the M-Pesa account of ${profile.name}`;
  return `${account} (${profile.kind})`;
}

/** Whether this profile pays with real money: production only, as the core's own profiles say. */
export function paysRealMoney(profile: PayingProfile | null | undefined): boolean {
  return profile?.kind === 'production';
}

function question(move: MoneyMove, from: string): string {
  switch (move.kind) {
    case 'send':
      return `Send ${formatMoney(move.amountCents)} to ${formatCount(move.workers, 'worker')} from ${from}?`;
    case 'retry':
      return `Send ${formatCount(move.payments, 'failed payment')} again, ${formatMoney(move.amountCents)} in all, from ${from}?`;
    case 'resume':
      return `Resume sending the ${formatCount(move.payments, 'payment')} not sent yet from ${from}?`;
    case 'refund':
      return `Refund ${formatMoney(move.amountCents)} to ${move.to} from ${from}?`;
  }
}

/** What the dialog says: the question, and what kind of money it is. */
export function moneyMoveWords(move: MoneyMove, profile: PayingProfile | null | undefined) {
  const consequence =
    profile?.kind === 'demo'
      ? 'This is the demo: the payments go to the simulator on this computer and no real money moves.'
      : profile?.kind === 'sandbox'
        ? "This is Safaricom's sandbox: no real money moves."
        : profile?.kind === 'custom'
          ? 'This sends the payments to the Daraja address this profile is set up with.'
          : 'This sends real money.';
  return { question: question(move, accountWords(profile)), consequence };
}
