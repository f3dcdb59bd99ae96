// Who may call the methods of the admin's money flows: refunds, reversals, payment requests and money
// received, lookups and the float, and the ledger's rows they start from. docs/roles.md says why.
import type { MethodName } from '../contract';
import {
  ledgerReaders,
  ledgerWhy,
  refundReaders,
  refundWhy,
  moneyInReaders,
  moneyInWhy,
  type MethodRule,
} from './access-kinds';

export const adminMoneyAccess = {
  'reversals.request': {
    access: ['admin'],
    kind: 'asks',
    doing: 'Asking for a reversal',
    why: 'The admin asks for a customer’s payment to be reversed; it moves no money until an approver approves.',
  },
  'reversals.approve': {
    access: ['approver'],
    kind: 'money',
    doing: 'Approving a reversal',
    why: 'The approval that meets the policy sends the money back; never by the person who asked.',
  },
  'reversals.decline': {
    access: ['approver'],
    kind: 'money',
    doing: 'Declining a reversal',
    why: 'An approver decides whether money goes back; never the person who asked.',
  },
  'reversals.resolve': {
    access: ['approver'],
    kind: 'money',
    doing: 'Settling a reversal',
    why: 'Sending again or recording it as not reversed decides money when M-Pesa’s evidence could not.',
  },
  'reversals.list': {
    access: ['admin', 'approver', 'accountant', 'auditor'],
    kind: 'reads',
    doing: 'Listing reversals',
    why: 'The admin follows what they asked, the approver decides, the accountant and the auditor check.',
  },
  'reversals.detail': {
    access: ['admin', 'approver', 'accountant', 'auditor'],
    kind: 'reads',
    doing: 'Reading a reversal',
    why: 'The admin follows what they asked, the approver decides, the accountant and the auditor check.',
  },
  'reversals.forTransaction': {
    access: ledgerReaders,
    kind: 'reads',
    doing: 'Reading whether a payment was reversed',
    why: 'Every ledger reader sees a payment shown as reversed, and the admin reverses from it.',
  },
  'float.history': {
    access: 'signed-in',
    kind: 'reads',
    doing: 'Seeing the float’s history',
    why: 'Every balance M-Pesa reported; everyone who sees the dashboard’s float may see how it moved.',
  },
  'float.warning': {
    access: 'signed-in',
    kind: 'reads',
    doing: 'Seeing the low-float warning',
    why: 'Shown on the dashboard and before each run, to whoever is there.',
  },
  'float.setWarningLevel': {
    access: ['admin'],
    kind: 'changes',
    doing: 'Setting the low-float level',
    why: 'A setting: the admin keeps the settings, and the warning refuses nothing.',
  },
  'lookup.receipt': {
    access: 'signed-in',
    kind: 'reads',
    doing: 'Looking up a receipt',
    why: 'It asks M-Pesa a question and moves nothing.',
  },
  'lookup.answer': {
    access: 'signed-in',
    kind: 'reads',
    doing: 'Reading the answer to a lookup',
    why: 'It reads M-Pesa’s answer to a question asked before; it moves nothing.',
  },
  'lookup.record': {
    access: ['admin', 'accountant'],
    kind: 'changes',
    doing: 'Recording money received that a lookup found',
    why: 'A ledger row of money received, from M-Pesa’s own answer; the accountant keeps the books and the admin handles customers’ payments.',
  },
  'ledger.list': {
    access: ledgerReaders,
    kind: 'reads',
    doing: 'Reading the ledger',
    why: ledgerWhy,
  },
  'ledger.detail': {
    access: ledgerReaders,
    kind: 'reads',
    doing: 'Reading a ledger entry',
    why: ledgerWhy,
  },
  'refunds.request': {
    access: ['admin'],
    kind: 'asks',
    doing: 'Asking for a refund of a customer’s payment',
    why: 'Nothing is paid until an approver other than the admin who asked approves it.',
  },
  'refunds.approve': {
    access: ['approver'],
    kind: 'money',
    doing: 'Approving a refund',
    why: 'The approval that meets the policy sends the refund, so it is approved like a run, never by the person who asked.',
  },
  'refunds.decline': {
    access: ['approver'],
    kind: 'money',
    doing: 'Declining a refund',
    why: 'The approver decides a refund either way; declining frees the amount again.',
  },
  'refunds.list': { access: refundReaders, kind: 'reads', doing: 'Reading the refunds', why: refundWhy },
  'refunds.detail': { access: refundReaders, kind: 'reads', doing: 'Reading a refund', why: refundWhy },
  'refunds.forTransaction': {
    access: refundReaders,
    kind: 'reads',
    doing: 'Reading the refunds of a ledger entry',
    why: refundWhy,
  },
  'collections.request': {
    access: ['admin'],
    kind: 'asks',
    doing: 'Asking a customer to pay by M-Pesa Express',
    why: 'It asks the customer for money and moves none by itself: the customer enters their PIN.',
  },
  'collections.list': {
    access: moneyInReaders,
    kind: 'reads',
    doing: 'Seeing payment requests and money received',
    why: moneyInWhy,
  },
  'collections.detail': {
    access: moneyInReaders,
    kind: 'reads',
    doing: 'Seeing a payment request',
    why: moneyInWhy,
  },
  'collections.askAgain': {
    access: ['admin'],
    kind: 'asks',
    doing: 'Asking a customer again to pay',
    why: 'A new prompt to the customer, asked for by the admin knowing an earlier one may have reached them.',
  },
  'collections.registerUrls': {
    access: ['admin'],
    kind: 'changes',
    doing: 'Registering the addresses for customers’ payments',
    why: 'Part of setting the profile up: it tells M-Pesa where to send customers’ Pay Bill payments.',
  },
  'collections.recordReceipt': {
    access: ['admin', 'accountant'],
    kind: 'changes',
    doing: 'Recording the receipt of a payment request',
    why: 'It records money received only when M-Pesa confirms the receipt; it sends nothing.',
  },
  'collections.markChecked': {
    access: ['admin', 'accountant'],
    kind: 'changes',
    doing: 'Marking a payment request as checked',
    why: 'It clears the words a payment request left for a person, keeping them in the audit log; it moves no money.',
  },
  'received.checkAgain': {
    access: ['admin', 'accountant'],
    kind: 'changes',
    doing: 'Checking a customer’s payment again',
    why: 'It asks M-Pesa whether a payment it has not confirmed is real, and records it only if M-Pesa says so; it sends nothing.',
  },
} satisfies Partial<Record<MethodName, MethodRule>>;
