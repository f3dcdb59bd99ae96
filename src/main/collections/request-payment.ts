// Asking a customer to pay by M-Pesa Express (STK Push). The request is written before the push
// leaves, so whatever happens to the push is known; Daraja's answer moves it to sent (the prompt is
// on the phone), refused (it never reached the phone) or unknown (its answer was lost: the prompt
// may be on the phone). Mshahara never pushes again on its own: a second prompt can make a customer
// pay twice. A person may ask again, explicitly, as a new request pointing back at the old one.
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import { formatKesWithCurrency, type Cents } from '../../shared/money';
import { parseSafaricomPhone } from '../../shared/phone';
import type { CallbackSource } from '../callback-sources/inbox/source';
import type { DarajaClient } from '../daraja';
import { parseCallback } from '../daraja/callbacks';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { applyStkCallback } from './stk-callback';
import {
  askedAgainAs,
  chainOf,
  moveRequest,
  recordRequestAsked,
  requestByCheckoutId,
  requestById,
  requestByMerchantId,
  type CollectionRequest,
} from './requests';
import { successWaitsFor } from './stk-unmatched';

/** M-Pesa Express takes at least KES 1 and at most KES 250,000 a payment (REFERENCE §6). */
export const stkLimits = { minCents: 1_00, maxCents: 250_000_00 } as const;

export interface RequestPaymentParts {
  db: ProfileDatabase;
  client: DarajaClient;
  source: CallbackSource;
  now?: () => Date;
  /** When the first STK Push Query may go out if no callback came (ms after the push). */
  firstQueryAfterMs: number;
}

export interface PaymentRequestInput {
  phone: string;
  amountCents: Cents;
  accountReference: string;
  description?: string;
  actor: string;
}

function checkInput(input: PaymentRequestInput): {
  phone: ReturnType<typeof parseSafaricomPhone> & { ok: true };
  accountReference: string;
  description: string;
} {
  const phone = parseSafaricomPhone(input.phone);
  if (!phone.ok) throw new ValidationError(phone.reason, { field: ['phone'] });
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents % 100 !== 0)
    throw new ValidationError('M-Pesa Express asks for whole shillings.', { field: ['amountCents'] });
  if (input.amountCents < stkLimits.minCents || input.amountCents > stkLimits.maxCents)
    throw new ValidationError(
      `M-Pesa Express asks for ${formatKesWithCurrency(stkLimits.minCents)} to ${formatKesWithCurrency(stkLimits.maxCents)}.`,
      { field: ['amountCents'] },
    );
  const accountReference = input.accountReference.trim();
  if (accountReference.length < 1 || accountReference.length > 12)
    throw new ValidationError('The account reference takes 1 to 12 characters (M-Pesa shows it to the customer).', {
      field: ['accountReference'],
    });
  const description = (input.description ?? accountReference).trim().slice(0, 13) || accountReference.slice(0, 13);
  return { phone, accountReference, description };
}

/** Writes the request, pushes the prompt once, and records what Daraja answered. */
export async function requestPayment(
  parts: RequestPaymentParts,
  input: PaymentRequestInput,
  againOf: number | null = null,
): Promise<CollectionRequest> {
  const { db, client, source } = parts;
  const now = parts.now ?? (() => new Date());
  const checked = checkInput(input);
  const askedAt = now().toISOString();
  const id = db
    .transaction(() => {
      const requestId = recordRequestAsked(db, {
        phone: checked.phone.msisdn,
        amountCents: input.amountCents,
        accountReference: checked.accountReference,
        description: checked.description,
        actor: input.actor,
        at: askedAt,
        againOf,
      });
      appendAudit(db, {
        actor: input.actor,
        action: againOf === null ? 'collection.requested' : 'collection.asked_again',
        entity: 'collection_request',
        entityId: requestId,
        details: {
          phone: checked.phone.msisdn,
          amountCents: input.amountCents,
          accountReference: checked.accountReference,
          ...(againOf === null ? {} : { againOf }),
        },
      });
      return requestId;
    })
    .immediate();

  const outcome = await client.stkPush({
    phone: checked.phone.msisdn,
    amountCents: input.amountCents,
    accountReference: checked.accountReference,
    transactionDesc: checked.description,
    callbackUrl: source.callbackUrl('stk'),
  });
  const at = now();
  const nowIso = at.toISOString();
  switch (outcome.kind) {
    case 'accepted': {
      const { merchantRequestId, checkoutRequestId } = outcome.value;
      db.transaction(() => {
        // One request's IDs are never written onto another; were they held already, this one waits for a person.
        const holder = requestByCheckoutId(db, checkoutRequestId) ?? requestByMerchantId(db, merchantRequestId);
        if (holder !== null && holder.id !== id) {
          moveRequest(
            db,
            id,
            'unknown',
            {
              note: `M-Pesa answered this prompt with the IDs of payment request #${holder.id}; if the customer paid, the payment will show here when its callback or the statement arrives`,
            },
            nowIso,
          );
          appendAudit(db, {
            actor: 'system',
            action: 'collection.unknown',
            entity: 'collection_request',
            entityId: id,
            details: { code: 'ids_held', holder: holder.id },
          });
          return;
        }
        moveRequest(
          db,
          id,
          'sent',
          {
            merchantRequestId,
            checkoutRequestId,
            nextQueryAt: new Date(at.getTime() + parts.firstQueryAfterMs).toISOString(),
            note: null,
          },
          nowIso,
        );
      }).immediate();
      reapplyEarlyCallbacks(db, checkoutRequestId, nowIso);
      break;
    }
    case 'unknown':
      db.transaction(() => {
        moveRequest(
          db,
          id,
          'unknown',
          {
            note: `M-Pesa may have sent the prompt (${outcome.error.message}); if the customer paid, the payment will show here when its callback or the statement arrives`,
          },
          nowIso,
        );
        appendAudit(db, {
          actor: 'system',
          action: 'collection.unknown',
          entity: 'collection_request',
          entityId: id,
          details: { code: outcome.error.code ?? null },
        });
      }).immediate();
      break;
    case 'definitive':
    case 'transient':
    case 'throttled':
    case 'duplicate':
      moveRequest(
        db,
        id,
        'refused',
        { note: `M-Pesa did not take the request, so no prompt reached the customer: ${outcome.error.message}` },
        nowIso,
      );
      break;
    default: {
      const never: never = outcome;
      throw new Error(`unhandled push outcome ${String(never)}`);
    }
  }
  const request = requestById(db, id);
  if (request === null) throw new NotFoundError(`Payment request #${id} is missing.`);
  return request;
}

/**
 * A callback faster than the push's own answer was flagged as for no request; now that the
 * request knows its CheckoutRequestID, it is applied again.
 */
function reapplyEarlyCallbacks(db: ProfileDatabase, checkoutRequestId: string, nowIso: string): void {
  const early = db
    .prepare(
      `SELECT id FROM inbox WHERE kind = 'stk' AND flag = 'unmatched' AND settled_at IS NULL AND instr(body, ?) > 0 ORDER BY id`,
    )
    .all(checkoutRequestId) as Array<{ id: number }>;
  for (const { id } of early) {
    const row = db.prepare('SELECT body FROM inbox WHERE id = ?').get(id) as { body: string };
    const parsed = parseCallback(row.body, 'stk');
    if (!parsed.ok || parsed.event.type !== 'stk-callback') continue;
    db.prepare('UPDATE inbox SET flag = NULL, reason = NULL WHERE id = ?').run(id);
    applyStkCallback(db, id, parsed.event, nowIso);
  }
}

/** Which earlier requests a person may ask again, and why not otherwise. */
export function refuseAskingAgain(db: ProfileDatabase, request: CollectionRequest): void {
  switch (request.state) {
    case 'unknown':
    case 'refused':
    case 'declined':
    case 'needs_person':
      break;
    case 'asked':
    case 'sent':
      throw new ConflictError('The customer may still be answering this prompt; wait for their answer first.');
    case 'paid':
    case 'paid_no_receipt':
      throw new ConflictError('The customer has paid this request; asking again would ask them to pay twice.');
    default: {
      const never: never = request.state;
      throw new Error(`unhandled state ${String(never)}`);
    }
  }
  const again = askedAgainAs(db, request.id);
  if (again !== null) throw new ConflictError(`This request was already asked again as payment request #${again.id}.`);
  // The money of another prompt for the same thing (asked before or after this one) may have
  // arrived after M-Pesa said it would not.
  const paid = chainOf(db, request).find(
    (other) => other.id !== request.id && (other.state === 'paid' || other.state === 'paid_no_receipt'),
  );
  if (paid !== undefined)
    throw new ConflictError(
      `The customer has paid payment request #${paid.id}, asked for the same thing; asking again would ask them to pay twice.`,
    );
  if (successWaitsFor(db, request))
    throw new ConflictError(
      'M-Pesa reported a payment from this number for this amount that Mshahara is still confirming, or could not confirm: the customer may have paid. Wait for it, or look it up on the M-Pesa portal and settle it (the admin or an accountant) before asking again.',
    );
}

/** A person asks the customer again, knowing a first prompt may have reached them. */
export async function askAgain(
  parts: RequestPaymentParts,
  requestId: number,
  actor: string,
): Promise<CollectionRequest> {
  const earlier = requestById(parts.db, requestId);
  if (earlier === null) throw new NotFoundError(`No payment request #${requestId}.`);
  refuseAskingAgain(parts.db, earlier);
  return requestPayment(
    parts,
    {
      phone: earlier.phone,
      amountCents: earlier.amountCents,
      accountReference: earlier.accountReference,
      description: earlier.description,
      actor,
    },
    earlier.id,
  );
}
