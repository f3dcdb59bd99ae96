// The desktop's outbound conversation with the companion relay (docs/relay.md#how-it-works): pull events after a
// cursor (long-poll), acknowledge, and register a channel. Answers are checked before they are used.
import { Agent, request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { UnavailableError, ValidationError } from '../../../shared/errors';

/** One stored callback as the relay hands it out: still sealed to this desktop's channel key. */
export interface RelayEvent {
  id: string;
  cursor: string;
  sealed: unknown;
}

export interface RelayBatch {
  events: RelayEvent[];
  /** The relay's position after this batch; null when the channel has never held an event. */
  cursor: string | null;
}

export interface ChannelRegistration {
  channel: string;
  callbackBaseUrl: string;
  pullToken: string;
}

/** Cursors and ids are opaque to the desktop; the relay may send them as numbers or strings. */
const opaque = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);

const batchSchema = z.object({
  events: z.array(z.object({ id: opaque, cursor: opaque, sealed: z.unknown() })),
  cursor: opaque.nullable().optional(),
});

const registrationSchema = z.object({
  channel: opaque,
  callbackBaseUrl: z.url(),
  pullToken: z.string().min(1),
});

/**
 * What `channel add` printed, pasted by the officer. Refusals name the missing fields only: the
 * text holds the pull token and the channel secret.
 */
export function parseRegistration(text: string): ChannelRegistration {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new ValidationError('What was pasted is not what `channel add` printed: expected its JSON, from { to }.');
  }
  const parsed = registrationSchema.safeParse(document);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(all)'))].join(', ');
    throw new ValidationError(`What was pasted lacks or garbles ${fields}: paste everything \`channel add\` printed.`);
  }
  return parsed.data;
}

/** Why a relay request failed. `status` is null when no answer came (network, timeout). */
export class RelayRequestError extends UnavailableError {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** Trailing slashes off, so `${base}/v1/events` is one slash whatever the officer typed. */
export function relayBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(`"${url}" is not a relay address (expected e.g. https://relay.example.co.ke).`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ValidationError(`The relay address must start with https:// (got ${parsed.protocol}).`);
  }
  return url.replace(/\/+$/, '');
}

export interface RelayHttpOptions {
  /** Longest wait for an answer beyond the long-poll itself. */
  graceMs?: number;
}

/** One relay, one channel's pull token. Holds its own connection pool; close() ends it. */
export class RelayHttp {
  readonly #base: string;
  readonly #token: string;
  readonly #agent: Agent;
  readonly #graceMs: number;

  constructor(relayUrl: string, pullToken: string, options: RelayHttpOptions = {}) {
    this.#base = relayBaseUrl(relayUrl);
    this.#token = pullToken;
    this.#graceMs = options.graceMs ?? 15_000;
    this.#agent = new Agent({ connectTimeout: 10_000, keepAliveTimeout: 60_000 });
  }

  /** Events after `after` (oldest first), waiting up to `waitSeconds` when there are none yet. */
  async pull(after: string | null, waitSeconds: number, limit: number, signal?: AbortSignal): Promise<RelayBatch> {
    const query = new URLSearchParams({ wait: String(waitSeconds), limit: String(limit) });
    if (after !== null) query.set('after', after);
    const timeoutMs = waitSeconds * 1000 + this.#graceMs;
    const json = await this.#call('GET', `/v1/events?${query.toString()}`, undefined, timeoutMs, signal);
    const parsed = batchSchema.safeParse(json);
    if (!parsed.success)
      throw new RelayRequestError('The relay answered the event pull with an unexpected document.', 200);
    const events = parsed.data.events;
    return { events, cursor: parsed.data.cursor ?? events.at(-1)?.cursor ?? null };
  }

  /** Tells the relay everything up to `cursor` is stored here; it may prune those events later. */
  async ack(cursor: string, signal?: AbortSignal): Promise<void> {
    await this.#call('POST', '/v1/ack', JSON.stringify({ upTo: cursor }), this.#graceMs, signal);
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #call(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<unknown> {
    return relayCall(this.#agent, `${this.#base}${path}`, method, this.#token, body, timeoutMs, signal);
  }
}

/**
 * Registers a channel in one step with the relay operator's admin token. The answer carries the
 * callback base URL (with the channel secret) and the pull token: the caller keeps both in the keychain.
 */
export async function registerChannel(
  relayUrl: string,
  adminToken: string,
  name: string,
  publicKeyPem: string,
): Promise<ChannelRegistration> {
  const agent = new Agent({ connectTimeout: 10_000 });
  try {
    const json = await relayCall(
      agent,
      `${relayBaseUrl(relayUrl)}/v1/channels`,
      'POST',
      adminToken,
      JSON.stringify({ name, publicKey: publicKeyPem }),
      30_000,
    );
    const parsed = registrationSchema.safeParse(json);
    if (!parsed.success)
      throw new RelayRequestError('The relay answered the channel registration with an unexpected document.', 200);
    return parsed.data;
  } finally {
    await agent.close();
  }
}

async function relayCall(
  dispatcher: Dispatcher,
  url: string,
  method: 'GET' | 'POST',
  bearer: string,
  body: string | undefined,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<unknown> {
  const headers: Record<string, string> = { authorization: `Bearer ${bearer}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const signals = [AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])];
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      method,
      headers,
      body,
      dispatcher,
      signal: AbortSignal.any(signals),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  } catch (error) {
    // Only the error's name and code: a message could echo the URL, and callback URLs carry secrets.
    const code = (error as { code?: unknown }).code;
    const what = typeof code === 'string' ? code : (error as Error).name;
    throw new RelayRequestError(`The relay could not be reached (${what}).`, null);
  }
  const text = await response.body.text().catch(() => '');
  if (response.statusCode === 401 || response.statusCode === 403) {
    throw new RelayRequestError(
      `The relay refused this desktop's token (HTTP ${response.statusCode}).`,
      response.statusCode,
    );
  }
  if (response.statusCode < 200 || response.statusCode >= 300) {
    throw new RelayRequestError(
      `The relay answered HTTP ${response.statusCode}${relayReason(text)}.`,
      response.statusCode,
    );
  }
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RelayRequestError('The relay answered with something that is not JSON.', response.statusCode);
  }
}

/** The relay's own words for a refusal ("channel name must not contain ..."), short; it never echoes secrets. */
function relayReason(text: string): string {
  try {
    const document = JSON.parse(text) as { error?: unknown; message?: unknown };
    const reason = typeof document.message === 'string' ? document.message : document.error;
    return typeof reason === 'string' && reason !== '' ? `: ${reason.slice(0, 200)}` : '';
  } catch {
    return '';
  }
}
