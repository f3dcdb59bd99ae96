// Registering where M-Pesa posts customers' Pay Bill payments (C2B confirmation and validation
// URLs) for the profile's shortcode: the relay's public addresses once a relay is set up, the
// loopback receiver's until then. Says what M-Pesa answered in words.
import type { CallbackSource } from '../callback-sources/inbox/source';
import type { DarajaClient } from '../daraja';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';

export interface C2bRegistration {
  registered: boolean;
  /** What M-Pesa answered, in words. */
  words: string;
  shortcode: string;
  confirmationUrl: string;
  validationUrl: string;
}

/** Where the addresses point, without the secret path a relay's address carries. */
function shown(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}/…/${parsed.pathname.split('/').pop() ?? ''}`;
  } catch {
    return 'an address Mshahara could not read';
  }
}

export async function registerC2bUrls(
  parts: { db: ProfileDatabase; client: DarajaClient; source: CallbackSource },
  shortcode: string,
  actor: string,
): Promise<C2bRegistration> {
  const confirmationUrl = parts.source.callbackUrl('c2b-confirmation');
  const validationUrl = parts.source.callbackUrl('c2b-validation');
  const outcome = await parts.client.registerC2bUrls(
    { responseType: 'Completed', confirmationUrl, validationUrl, shortcode },
    'v2',
  );
  let registered = false;
  let words: string;
  if (outcome.kind === 'accepted') {
    registered = true;
    words = `M-Pesa will send payments to shortcode ${shortcode} to Mshahara.`;
  } else if (
    /already registered/i.test(outcome.error.message) ||
    /already registered/i.test(outcome.error.code ?? '')
  ) {
    words =
      'M-Pesa already has URLs for this shortcode; change them on the M-Pesa portal (Self Services → URL management).';
  } else {
    words = `M-Pesa did not register the URLs: ${outcome.error.message}`;
  }
  parts.db
    .transaction(() =>
      appendAudit(parts.db, {
        actor,
        action: 'c2b.urls_registered',
        entity: 'shortcode',
        entityId: shortcode,
        details: { answer: words, registered, confirmation: shown(confirmationUrl) },
      }),
    )
    .immediate();
  return {
    registered,
    words,
    shortcode,
    confirmationUrl: shown(confirmationUrl),
    validationUrl: shown(validationUrl),
  };
}
