// Settlement only on evidence (docs/money-safety.md), rule by rule, on a real profile database:
// each test writes an attempt and the queries Mshahara made about it, stores the answer Daraja
// could plausibly send (REFERENCE §15 leaves most of them open), applies it, and checks what the
// attempt, the item, the ledger and "retry failed" make of it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../../src/main/db';
import { storeCallbacks } from '../../../../src/main/callback-sources/inbox/store';
import { applyInboxEntry, defaultNotFoundCodes, type EvidencePolicy } from '../../../../src/main/payroll/engine';
import { approveRetry } from '../../../../src/main/payroll/engine/run-control';
import type { CallbackKind } from '../../../../src/shared/callback-kinds';
import { tempFolder } from '../../db/temp-folder';

const folder = tempFolder('mshahara-evidence-');
const policy: EvidencePolicy = { resultTimeoutMs: 60_000, notFoundCodes: defaultNotFoundCodes, maxResends: 2 };
const phone = '254712345678';
const ocid = 'MSH-1-1-1-abcd';
const paymentConversation = 'AG_20261201_payment000000001';
const sentAt = '2026-12-01T08:00:00.000Z';
const later = (seconds: number): string => new Date(Date.parse(sentAt) + seconds * 1000).toISOString();

let db: ProfileDatabase;
let queries = 0;

beforeEach(() => {
  db = openDatabase(folder.path(`evidence-${Math.random().toString(36).slice(2)}.sqlite`));
  db.exec(
    `INSERT INTO payroll_runs (id, title, state, approved_at, started_at) VALUES (1, 'December salaries', 'running', '${sentAt}', '${sentAt}')`,
  );
  db.exec(
    `INSERT INTO payroll_items (id, run_id, line_number, name, phone, amount_cents, state) VALUES (1, 1, 1, 'Jane Wanjiru', '${phone}', 150000, 'paying')`,
  );
});
afterEach(() => closeDatabase(db));

/** An attempt as the engine leaves it: unknown (answer lost) or accepted (Daraja took it). */
function attempt(state: 'unknown' | 'accepted', options: { acknowledged?: boolean; resends?: number } = {}): void {
  const acknowledged = options.acknowledged ?? state === 'accepted';
  db.prepare(
    `INSERT INTO payout_attempts (id, item_id, attempt_number, originator_conversation_id, conversation_id, phone, amount_cents, command_id, state, sent_at, accepted_at, acknowledged, resends)
     VALUES (1, 1, 1, ?, ?, ?, 150000, 'SalaryPayment', ?, ?, ?, ?, ?)`,
  ).run(
    ocid,
    acknowledged ? paymentConversation : null,
    phone,
    state,
    sentAt,
    state === 'accepted' ? sentAt : null,
    acknowledged ? 1 : 0,
    options.resends ?? 0,
  );
}

/** A Transaction Status query Mshahara recorded, asked `afterSeconds` after the send; returns the ConversationID Daraja gave it. */
function query(afterSeconds: number): string {
  queries += 1;
  const conversationId = `AG_20261201_query${String(queries).padStart(12, '0')}`;
  db.prepare(
    `INSERT INTO status_queries (attempt_id, asked_at, attempt_sent_at, conversation_id) VALUES (1, ?, ?, ?)`,
  ).run(later(afterSeconds), sentAt, conversationId);
  return conversationId;
}

function store(kind: CallbackKind, body: unknown): number {
  // Received after the send, as every answer about it is.
  const [id] = storeCallbacks(db, [
    {
      eventId: null,
      receivedAt: new Date(later(30)),
      source: 'test',
      sourceIp: null,
      kind,
      headers: {},
      body: JSON.stringify(body),
    },
  ]);
  return id!;
}

function statusAnswer(o: {
  queryConversation: string;
  code: number | string;
  desc?: string;
  status?: string;
  named?: string;
  receipt?: string;
  party?: string;
  amountKes?: number;
}) {
  const parameters =
    o.status === undefined
      ? undefined
      : {
          ResultParameter: [
            { Key: 'ReceiptNo', Value: o.receipt ?? 'TLA0000001' },
            { Key: 'TransactionStatus', Value: o.status },
            { Key: 'Amount', Value: o.amountKes ?? 1500 },
            { Key: 'CreditPartyName', Value: o.party ?? `${phone} - JANE WANJIRU` },
            { Key: 'OriginatorConversationID', Value: o.named ?? ocid },
            { Key: 'ConversationID', Value: paymentConversation },
            { Key: 'FinalisedTime', Value: 20261201110500 },
            { Key: 'DebitPartyCharges', Value: 'Fee For B2C Payment|KES|15.00' },
          ],
        };
  return {
    Result: {
      ResultType: 0,
      ResultCode: o.code,
      ResultDesc: o.desc ?? 'answer',
      OriginatorConversationID: `daraja-${o.queryConversation}`,
      ConversationID: o.queryConversation,
      TransactionID: 'TLA0000000',
      ...(parameters === undefined ? {} : { ResultParameters: parameters }),
      ReferenceData: { ReferenceItem: { Key: 'Occasion', Value: ocid } },
    },
  };
}

function apply(inboxId: number, at = later(600)) {
  return applyInboxEntry(db, inboxId, at, policy);
}

function state(): { attempt: string; item: string; resends: number; attention: number } {
  const row = db
    .prepare(
      'SELECT a.state, i.state AS item, a.resends, a.needs_attention FROM payout_attempts a JOIN payroll_items i ON i.id = a.item_id WHERE a.id = 1',
    )
    .get() as {
    state: string;
    item: string;
    resends: number;
    needs_attention: number;
  };
  return { attempt: row.state, item: row.item, resends: row.resends, attention: row.needs_attention };
}

function ledgerRows(): unknown[] {
  return db
    .prepare('SELECT receipt, amount_cents, phone, attempt_id, source, contradiction FROM transactions ORDER BY id')
    .all();
}

describe('a Transaction Status answer with a non-zero code is about the query, never the payment', () => {
  it.each([
    ['17', 'Internal Failure'],
    ['2028', 'The request is not permitted according to product assignment.'],
    ['100000010', 'Insufficient permissions'],
    ['24', 'Missing mandatory fields'],
    ['25', 'Invalid request parameters'],
    ['2040', "Credit Party customer type can't be supported by the service."],
    ['XZ-42', 'An undocumented code'],
  ])('%s (%s): the payment stays unknown and "retry failed" cannot send it again', (code, desc) => {
    attempt('unknown');
    const id = store('status-result', statusAnswer({ queryConversation: query(120), code, desc }));
    expect(apply(id).kind).toBe('status-unanswered');
    expect(state()).toEqual({ attempt: 'unknown', item: 'paying', resends: 0, attention: 0 });
    db.prepare(`UPDATE payroll_runs SET state = 'running' WHERE id = 1`).run();
    expect(approveRetry(db, 1, 'approver', later(700))).toBe(0);
    expect(ledgerRows()).toEqual([]);
  });

  it('ResultCode 0 with TransactionStatus "Failed" naming the payment is a failure; only then may a retry be approved', () => {
    attempt('accepted');
    const id = store('status-result', statusAnswer({ queryConversation: query(120), code: 0, status: 'Failed' }));
    expect(apply(id).kind).toBe('settled');
    expect(state()).toMatchObject({ attempt: 'failed', item: 'failed' });
    expect(approveRetry(db, 1, 'approver', later(700))).toBe(1);
  });

  it('ResultCode 0 with a status that is not final ("Pending", none) settles nothing', () => {
    attempt('accepted');
    for (const status of ['Pending', '']) {
      const id = store('status-result', statusAnswer({ queryConversation: query(120), code: 0, status }));
      expect(apply(id).kind).toBe('status-unanswered');
    }
    expect(state()).toMatchObject({ attempt: 'accepted', item: 'paying' });
  });

  it('ResultCode 0 "Completed" pays, with the charge M-Pesa reports', () => {
    attempt('unknown');
    const id = store(
      'status-result',
      statusAnswer({ queryConversation: query(120), code: 0, status: 'Completed', receipt: 'TLA1234567' }),
    );
    expect(apply(id).kind).toBe('settled');
    expect(state()).toMatchObject({ attempt: 'succeeded', item: 'paid' });
    expect(ledgerRows()).toEqual([
      {
        receipt: 'TLA1234567',
        amount_cents: 150000,
        phone,
        attempt_id: 1,
        source: 'status_result',
        contradiction: null,
      },
    ]);
  });
});

describe('"not found" leads to a same-ID re-send only when every condition holds', () => {
  it.each(defaultNotFoundCodes)(
    '%s: twice, to queries made a result timeout after the send, for an attempt Daraja never acknowledged: sent again with the same ID',
    (code) => {
      attempt('unknown');
      const first = store('status-result', statusAnswer({ queryConversation: query(61), code }));
      expect(apply(first).kind).toBe('status-unanswered');
      expect(state()).toMatchObject({ attempt: 'unknown', resends: 0 });
      const second = store('status-result', statusAnswer({ queryConversation: query(130), code }));
      expect(apply(second).kind).toBe('resend');
      expect(state()).toMatchObject({ attempt: 'created', resends: 1 });
      expect(db.prepare('SELECT originator_conversation_id AS id FROM payout_attempts').all()).toEqual([{ id: ocid }]);
    },
  );

  it('never for an attempt Daraja acknowledged (it may be processed later)', () => {
    attempt('accepted');
    for (const after of [61, 130, 200])
      expect(
        apply(store('status-result', statusAnswer({ queryConversation: query(after), code: 'R000002' }))).kind,
      ).toBe('status-unanswered');
    expect(state()).toMatchObject({ attempt: 'accepted', resends: 0 });
  });

  it('never on answers to queries asked sooner than the result timeout after the send', () => {
    attempt('unknown');
    for (const after of [5, 30, 59])
      expect(
        apply(store('status-result', statusAnswer({ queryConversation: query(after), code: 'R000002' }))).kind,
      ).toBe('status-unanswered');
    expect(state()).toMatchObject({ attempt: 'unknown', resends: 0 });
  });

  it('never on answers tied to no query Mshahara recorded (a copy, a forgery, a query from a lost process)', () => {
    attempt('unknown');
    for (const n of [1, 2, 3]) {
      const body = statusAnswer({ queryConversation: `AG_20261201_unknownquery00${n}`, code: 'R000002' });
      expect(apply(store('status-result', body)).kind).toBe('status-unanswered');
    }
    expect(state()).toMatchObject({ attempt: 'unknown', resends: 0 });
  });

  it('never on a code Mshahara does not read as "not found"', () => {
    attempt('unknown');
    for (const after of [61, 130, 200])
      apply(store('status-result', statusAnswer({ queryConversation: query(after), code: '404.001.01' })));
    expect(state()).toMatchObject({ attempt: 'unknown', resends: 0 });
  });

  it('counts the same answer once: a duplicated callback is no second "not found"', () => {
    attempt('unknown');
    const body = statusAnswer({ queryConversation: query(61), code: 'SFC_IC0003' });
    apply(store('status-result', body));
    apply(store('status-result', body));
    expect(state()).toMatchObject({ attempt: 'unknown', resends: 0 });
  });

  it("never while a success of the same amount to the same number arrived since the send and matched nothing (Daraja's own IDs)", () => {
    attempt('unknown');
    const unmatched = {
      Result: {
        ResultType: 0,
        ResultCode: 0,
        ResultDesc: 'The service request is processed successfully.',
        OriginatorConversationID: 'daraja-own-0001',
        ConversationID: 'AG_20261201_neverlearned00001',
        TransactionID: 'TLA0000061',
        ResultParameters: {
          ResultParameter: [
            { Key: 'TransactionAmount', Value: 1500 },
            { Key: 'TransactionReceipt', Value: 'TLA0000061' },
            { Key: 'ReceiverPartyPublicName', Value: '2547****678 - JANE WANJIRU' },
          ],
        },
      },
    };
    expect(apply(store('b2c-result', unmatched))).toEqual({ kind: 'flagged', flag: 'unmatched' });
    apply(store('status-result', statusAnswer({ queryConversation: query(61), code: 'R000002' })));
    expect(apply(store('status-result', statusAnswer({ queryConversation: query(130), code: 'R000002' }))).kind).toBe(
      'attention',
    );
    expect(state()).toMatchObject({ attempt: 'unknown', resends: 0, attention: 1 });
  });

  it('a failure Result that matched nothing does not stop the re-send (it moved no money)', () => {
    attempt('unknown');
    const failure = {
      Result: {
        ResultType: 0,
        ResultCode: 2040,
        ResultDesc: 'Not registered',
        OriginatorConversationID: 'daraja-own-0002',
        ConversationID: 'AG_20261201_neverlearned00002',
        TransactionID: 'TLA0000000',
      },
    };
    apply(store('b2c-result', failure));
    apply(store('status-result', statusAnswer({ queryConversation: query(61), code: 'R000002' })));
    expect(apply(store('status-result', statusAnswer({ queryConversation: query(130), code: 'R000002' }))).kind).toBe(
      'resend',
    );
  });

  it('stops after the allowed re-sends: the payment goes to a person', () => {
    attempt('unknown', { resends: 2 });
    apply(store('status-result', statusAnswer({ queryConversation: query(61), code: 'R000002' })));
    expect(apply(store('status-result', statusAnswer({ queryConversation: query(130), code: 'R000002' }))).kind).toBe(
      'attention',
    );
    expect(state()).toEqual({ attempt: 'unknown', item: 'paying', resends: 2, attention: 1 });
  });
});

describe('evidence that contradicts the record is money that moved', () => {
  function successResult(o: { receipt: string; conversationId?: string; originatorId?: string; party?: string }) {
    return {
      Result: {
        ResultType: 0,
        ResultCode: 0,
        ResultDesc: 'The service request is processed successfully.',
        OriginatorConversationID: o.originatorId ?? ocid,
        ConversationID: o.conversationId ?? paymentConversation,
        TransactionID: o.receipt,
        ResultParameters: {
          ResultParameter: [
            { Key: 'TransactionAmount', Value: 1500 },
            { Key: 'TransactionReceipt', Value: o.receipt },
            { Key: 'ReceiverPartyPublicName', Value: o.party ?? `${phone} - JANE WANJIRU` },
            { Key: 'TransactionCompletedDateTime', Value: '01.12.2026 11:05:00' },
          ],
        },
      },
    };
  }

  it('a second receipt for a paid attempt is written to the ledger, marked, and a finding is opened', () => {
    attempt('accepted');
    expect(apply(store('b2c-result', successResult({ receipt: 'TLA0000011' }))).kind).toBe('settled');
    expect(apply(store('b2c-result', successResult({ receipt: 'TLA0000012' }))).kind).toBe('finding');
    expect(ledgerRows()).toEqual([
      { receipt: 'TLA0000011', amount_cents: 150000, phone, attempt_id: 1, source: 'b2c_result', contradiction: null },
      {
        receipt: 'TLA0000012',
        amount_cents: 150000,
        phone,
        attempt_id: 1,
        source: 'b2c_result',
        contradiction: 'second_receipt',
      },
    ]);
    expect(db.prepare('SELECT kind, item_id FROM payout_findings WHERE cleared_at IS NULL').all()).toEqual([
      { kind: 'second_receipt', item_id: 1 },
    ]);
  });

  it('a failure Result whose ConversationID contradicts the attempt is flagged and settles nothing', () => {
    attempt('accepted');
    const body = {
      Result: {
        ResultType: 0,
        ResultCode: 2001,
        ResultDesc: 'The initiator information is invalid.',
        OriginatorConversationID: ocid,
        ConversationID: 'AG_20261201_someoneelse0001',
        TransactionID: 'TLA0000000',
      },
    };
    expect(apply(store('b2c-result', body))).toEqual({ kind: 'flagged', flag: 'unmatched' });
    expect(state()).toMatchObject({ attempt: 'accepted', item: 'paying' });
  });

  it("a Result carrying Daraja's own OriginatorConversationID is matched by its ConversationID", () => {
    attempt('accepted');
    expect(
      apply(store('b2c-result', successResult({ receipt: 'TLA0000021', originatorId: 'AG-daraja-own-1234' }))).kind,
    ).toBe('settled');
    expect(state()).toMatchObject({ attempt: 'succeeded', item: 'paid' });
  });

  it.each(['2547****678 - JANE WANJIRU', '0712345678 - JANE WANJIRU', '254712***678 - JANE WANJIRU'])(
    'the party written as "%s" is the number paid',
    (party) => {
      attempt('accepted');
      expect(apply(store('b2c-result', successResult({ receipt: 'TLA0000031', party }))).kind).toBe('settled');
    },
  );

  it.each(['2547****999 - JANE WANJIRU', '0799999999 - SOMEONE ELSE'])(
    'the party written as "%s" is someone else: flagged, not paid',
    (party) => {
      attempt('accepted');
      expect(apply(store('b2c-result', successResult({ receipt: 'TLA0000041', party })))).toEqual({
        kind: 'flagged',
        flag: 'party_mismatch',
      });
      expect(ledgerRows()).toEqual([]);
    },
  );
});

describe('asynchronous throttling and the other kinds', () => {
  it.each([26, 100000002, 100000011])(
    'throttling as a Result (%s) sends the same attempt again, never fails it',
    (code) => {
      attempt('accepted');
      const body = {
        Result: {
          ResultType: 0,
          ResultCode: code,
          ResultDesc: 'Throttling error',
          OriginatorConversationID: ocid,
          ConversationID: paymentConversation,
          TransactionID: 'TLA0000000',
        },
      };
      expect(apply(store('b2c-result', body))).toEqual({ kind: 'throttled', attemptId: 1 });
      expect(state()).toMatchObject({ attempt: 'created', item: 'paying' });
      expect(db.prepare('SELECT originator_conversation_id AS id FROM payout_attempts').all()).toEqual([{ id: ocid }]);
    },
  );

  it('a status query that timed out in the queue is recorded against its query and asked again', () => {
    attempt('accepted');
    const conversation = query(70);
    const id = store('timeout', {
      Result: {
        ResultType: 0,
        ResultCode: 1,
        ResultDesc: 'timed out',
        OriginatorConversationID: 'x',
        ConversationID: conversation,
      },
    });
    expect(apply(id).kind).toBe('status-unanswered');
    expect(db.prepare('SELECT applied, reason FROM inbox WHERE id = ?').get(id)).toMatchObject({
      applied: 1,
      reason: expect.stringMatching(/timed out/),
    });
    expect(db.prepare('SELECT answer FROM status_queries WHERE conversation_id = ?').get(conversation)).toEqual({
      answer: 'unanswered',
    });
  });

  it('STK and reversal results Mshahara never asked for are flagged for a person; a C2B confirmation waits for its check', () => {
    const stk = store('stk', {
      Body: {
        stkCallback: {
          MerchantRequestID: '1',
          CheckoutRequestID: 'ws_CO_1',
          ResultCode: 1032,
          ResultDesc: 'Request cancelled by user',
        },
      },
    });
    expect(apply(stk)).toEqual({ kind: 'flagged', flag: 'unmatched' });
    const confirmation = {
      TransactionType: 'Pay Bill',
      TransID: 'TLA0000051',
      TransTime: '20261201110500',
      TransAmount: '250.00',
      BusinessShortCode: '600000',
      BillRefNumber: 'INV-7',
      InvoiceNumber: '',
      OrgAccountBalance: '1000.00',
      ThirdPartyTransID: '',
      MSISDN: '254712345678',
      FirstName: 'JOHN',
      MiddleName: '',
      LastName: 'KAMAU',
    };
    // A confirmation is a claim: kept for Transaction Status to confirm (src/main/collections/), not money yet.
    expect(apply(store('c2b-confirmation', confirmation))).toEqual({ kind: 'checking' });
    expect(apply(store('c2b-confirmation', confirmation))).toEqual({ kind: 'flagged', flag: 'duplicate' });
    expect(db.prepare(`SELECT receipt, state FROM received_checks ORDER BY inbox_id`).all()).toEqual([
      { receipt: 'TLA0000051', state: 'checking' },
      { receipt: 'TLA0000051', state: 'duplicate' },
    ]);
    expect(db.prepare(`SELECT count(*) AS n FROM transactions`).get()).toEqual({ n: 0 });
  });
});
