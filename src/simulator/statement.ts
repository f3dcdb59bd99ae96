// The simulator's own M-Pesa statement, in the organisation portal's export format (REFERENCE §13,
// today's layout: six preamble lines, newest first, dd-MM-yyyy HH:mm:ss, Withdrawn negative), so
// demo mode and tests reconcile against what the simulated M-Pesa actually did. The Utility account
// holds B2C payments, collections and their reversals; the Charges Paid account holds each B2C
// charge, linked to its payment by Linked Transaction ID. Refused B2C requests moved no money and
// are not on a "Completed" statement.
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import ExcelJS from 'exceljs';
import { NAIROBI } from '../shared/time';
import type { OrganisationModel } from './model';

export type StatementAccount = 'utility' | 'charges';
export const accountTitles: Record<StatementAccount, string> = {
  utility: 'Utility Account',
  charges: 'Charges Paid Account',
};

export interface StatementLine {
  receipt: string;
  at: Date;
  details: string;
  paidInCents: number;
  withdrawnCents: number;
  balanceCents: number;
  reasonType: string;
  otherParty: string;
  linkedReceipt: string;
  accountNumber: string;
}

export interface SimulatorStatement {
  account: StatementAccount;
  organisation: string;
  shortcode: string;
  from: Date;
  to: Date;
  openingCents: number;
  closingCents: number;
  /** Newest first, as the portal lists them. */
  lines: StatementLine[];
}

const header = [
  'Receipt No.',
  'Completion Time',
  'Initiation Time',
  'Details',
  'Transaction Status',
  'Paid In',
  'Withdrawn',
  'Balance',
  'Balance Confirmed',
  'Reason Type',
  'Other Party Info',
  'Linked Transaction ID',
  'A/C No.',
];

const reasonTypes: Record<string, string> = {
  SalaryPayment: 'Salary Payment',
  BusinessPayment: 'Business Payment to Customer',
  PromotionPayment: 'Promotion Payment',
};

/** Recent exports mask the customer's number: 2547****149. */
export function maskedParty(msisdn: string, name: string): string {
  return `${msisdn.slice(0, 4)}****${msisdn.slice(-3)}${name === '' ? '' : ` - ${name}`}`;
}

/** Reversal times, as this simulator process saw them (the model keeps only who reversed what). */
const reversalTimes = new WeakMap<OrganisationModel, Map<string, Date>>();

/** Remembers when each reversal happened, so the statement places it at its own time. */
export function watchReversals(model: OrganisationModel): void {
  if (reversalTimes.has(model)) return;
  const times = new Map<string, Date>();
  reversalTimes.set(model, times);
  const reverse = model.reverse.bind(model);
  model.reverse = (receipt, at, amountCents) => {
    const outcome = reverse(receipt, at, amountCents);
    if (outcome.ok) times.set(outcome.receipt, at);
    return outcome;
  };
}

type Movement = Omit<StatementLine, 'balanceCents'>;

function movements(model: OrganisationModel, account: StatementAccount): Movement[] {
  const list: Movement[] = [];
  if (account === 'utility') {
    for (const p of model.payments()) {
      const name = model.customerName(p.party) ?? '';
      list.push({
        receipt: p.receipt,
        at: new Date(p.completedAt),
        details: `${reasonTypes[p.commandId] ?? 'Business Payment'} to ${maskedParty(p.party, name)}`,
        paidInCents: 0,
        withdrawnCents: p.amountCents,
        reasonType: reasonTypes[p.commandId] ?? 'Business Payment to Customer',
        otherParty: maskedParty(p.party, name),
        linkedReceipt: '',
        accountNumber: '',
      });
    }
    // Payments to customers reversed on the M-Pesa Org portal: the money comes back, linked to the payment.
    for (const r of model.reversals()) {
      if (r.original !== 'payment') continue;
      const party = maskedParty(r.msisdn, model.customerName(r.msisdn) ?? '');
      list.push({
        receipt: r.receipt,
        at: r.at,
        details: `Reversal of ${r.originalReceipt}`,
        paidInCents: r.amountCents,
        withdrawnCents: 0,
        reasonType: 'Reversal',
        otherParty: party,
        linkedReceipt: r.originalReceipt,
        accountNumber: '',
      });
    }
    const times = reversalTimes.get(model);
    for (const receipt of collectionReceipts(model)) {
      const c = model.findCollection(receipt);
      if (c === null) continue;
      const party = maskedParty(c.msisdn, model.customerName(c.msisdn) ?? '');
      list.push({
        receipt: c.receipt,
        at: c.completedAt,
        details: `Pay Bill from ${party}`,
        paidInCents: c.amountCents,
        withdrawnCents: 0,
        reasonType: c.kind === 'stk' ? 'Pay Bill Online' : 'Pay Bill',
        otherParty: party,
        linkedReceipt: '',
        accountNumber: '',
      });
      if (c.reversedBy !== null) {
        // Without a recorded time (a restarted simulator), the reversal follows its collection.
        const at = times?.get(c.reversedBy) ?? new Date(c.completedAt.getTime() + 1000);
        list.push({
          receipt: c.reversedBy,
          at,
          details: `Reversal of ${c.receipt}`,
          paidInCents: 0,
          withdrawnCents: c.reversedCents ?? c.amountCents,
          reasonType: 'Reversal',
          otherParty: party,
          linkedReceipt: c.receipt,
          accountNumber: '',
        });
      }
    }
  } else {
    for (const p of model.payments()) {
      if (p.chargeCents === 0) continue;
      list.push({
        receipt: p.receipt,
        at: new Date(p.completedAt),
        details: 'Business Payment to Customer Charge',
        paidInCents: 0,
        withdrawnCents: p.chargeCents,
        reasonType: 'Business Payment to Customer Charge',
        otherParty: '',
        linkedReceipt: p.receipt,
        accountNumber: '',
      });
    }
  }
  return list.sort((a, b) => a.at.getTime() - b.at.getTime() || a.receipt.localeCompare(b.receipt));
}

/** The model knows collections by receipt only; the statement lists the ones it can find. */
function collectionReceipts(model: OrganisationModel): string[] {
  const collections = (model as unknown as { collections: Map<string, unknown> }).collections;
  return [...collections.keys()];
}

export function buildStatement(
  model: OrganisationModel,
  account: StatementAccount,
  from: Date,
  to: Date,
  organisation = 'MSHAHARA DEMO LTD',
): SimulatorStatement {
  const all = movements(model, account);
  const current = account === 'utility' ? model.balances.utilityCents : model.balances.chargesPaidCents;
  // Walk back from today's balance to the balance before the first movement, then forward.
  let balance = current - all.reduce((sum, m) => sum + m.paidInCents - m.withdrawnCents, 0);
  let openingCents: number | null = null;
  const lines: StatementLine[] = [];
  for (const m of all) {
    if (m.at < from) {
      balance += m.paidInCents - m.withdrawnCents;
      continue;
    }
    if (m.at > to) break;
    openingCents ??= balance;
    balance += m.paidInCents - m.withdrawnCents;
    lines.push({ ...m, balanceCents: balance });
  }
  return {
    account,
    organisation,
    shortcode: model.shortcode,
    from,
    to,
    openingCents: openingCents ?? balance,
    closingCents: balance,
    lines: lines.reverse(),
  };
}

const nairobi = (at: Date, layout = 'dd-MM-yyyy HH:mm:ss'): string => format(new TZDate(at.getTime(), NAIROBI), layout);
const shillings = (cents: number): string => (cents / 100).toFixed(2);

export function statementFileName(statement: SimulatorStatement, extension: 'csv' | 'xlsx', now: Date): string {
  return `ORG_${statement.shortcode}_${accountTitles[statement.account]}_Completed_${nairobi(now, 'yyyyMMddHHmmss')}.${extension}`;
}

function preamble(s: SimulatorStatement): string[][] {
  return [
    ['Organization Name', s.organisation],
    ['Short Code', s.shortcode],
    ['Account', accountTitles[s.account]],
    ['Time Period', `${nairobi(s.from)} - ${nairobi(s.to)}`],
    ['Opening Balance', shillings(s.openingCents)],
    ['Closing Balance', shillings(s.closingCents)],
  ];
}

function quote(cell: string): string {
  return `"${cell.replace(/"/g, '""')}"`;
}

export function statementCsv(s: SimulatorStatement): string {
  const rows = s.lines.map((l) => [
    l.receipt,
    nairobi(l.at),
    nairobi(l.at),
    l.details,
    'Completed',
    l.paidInCents === 0 ? '' : shillings(l.paidInCents),
    l.withdrawnCents === 0 ? '' : `-${shillings(l.withdrawnCents)}`,
    shillings(l.balanceCents),
    'TRUE',
    l.reasonType,
    l.otherParty,
    l.linkedReceipt,
    l.accountNumber,
  ]);
  return [...preamble(s), header, ...rows].map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n';
}

export async function statementXlsx(s: SimulatorStatement): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Statement');
  for (const row of preamble(s)) sheet.addRow(row);
  sheet.addRow(header);
  for (const l of s.lines) {
    // Excel date cells hold Nairobi wall-clock time (Excel has no zones).
    const local = new Date(l.at.getTime() + 3 * 3600_000);
    sheet.addRow([
      l.receipt,
      local,
      local,
      l.details,
      'Completed',
      l.paidInCents === 0 ? null : l.paidInCents / 100,
      l.withdrawnCents === 0 ? null : -l.withdrawnCents / 100,
      l.balanceCents / 100,
      true,
      l.reasonType,
      l.otherParty,
      l.linkedReceipt || null,
      l.accountNumber || null,
    ]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
