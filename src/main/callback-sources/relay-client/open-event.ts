// Turns one sealed relay event into the callback Daraja posted, or says plainly why it cannot:
// altered on the relay, sealed to another key (a rotated channel), or not a callback at all.
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { open } from '../../../relay-server/sealing';
import { callbackKinds } from '../../daraja/callbacks';
import type { InboundCallback } from '../inbox/source';
import type { RelayEvent } from './relay-http';

export type OpenedEvent = { ok: true; callback: InboundCallback } | { ok: false; eventId: string; reason: string };

const plaintextSchema = z.object({
  kind: z.enum(callbackKinds),
  receivedAt: z.iso.datetime({ offset: true }),
  sourceIp: z.string().nullable().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string(),
  /** A C2B validation: what the relay answered M-Pesa on the employer's behalf, and why. */
  validation: z.object({ resultCode: z.string(), reason: z.string() }).optional(),
});

export function openEvent(event: RelayEvent, privateKey: KeyObject | string, channel: string): OpenedEvent {
  let plaintext: string;
  try {
    plaintext = open(privateKey, event.sealed as Parameters<typeof open>[1]);
  } catch (error) {
    // open() words its errors without any content of the envelope: safe to keep as the reason.
    return { ok: false, eventId: event.id, reason: (error as Error).message };
  }
  let document: unknown;
  try {
    document = JSON.parse(plaintext);
  } catch {
    return { ok: false, eventId: event.id, reason: 'opened, but the relay record inside is not JSON' };
  }
  const parsed = plaintextSchema.safeParse(document);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(record)'))].join(', ');
    return {
      ok: false,
      eventId: event.id,
      reason: `opened, but the relay record is incomplete or unknown (${fields})`,
    };
  }
  const record = parsed.data;
  return {
    ok: true,
    callback: {
      eventId: event.id,
      kind: record.kind,
      receivedAt: new Date(record.receivedAt),
      source: `relay:${channel}`,
      sourceIp: record.sourceIp ?? null,
      headers: record.headers ?? {},
      body: record.body,
      ...(record.validation ? { note: relayAnswer(record.validation) } : {}),
    },
  };
}

/** The relay's answer to a C2B validation, in words for the inbox. */
function relayAnswer({ resultCode, reason }: { resultCode: string; reason: string }): string {
  return resultCode === '0'
    ? `The relay accepted this payment (${reason.replace(/^accepted: /, '')})`
    : `The relay refused this payment with ${resultCode}: ${reason}`;
}
