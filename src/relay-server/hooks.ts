// Daraja → relay: POST /hooks/{channel}/{secret}/{kind}. Checks source IP, channel and secret
// before the body is read, then seals the raw body to the channel's key, commits it durably,
// and only then acknowledges. Anything refused is answered 4xx and stores nothing. A C2B
// validation is answered by the channel's C2B rules, and stored with the decision whatever it is.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { accepted, compileC2bRules, type C2bCheck, type C2bDecision, type C2bRules } from './c2b-rules';
import { matchesHash } from './channels';
import { normaliseIp, type RefusalCounter } from './guard';
import type { RejectReason, RelayMetrics } from './metrics';
import { Sealer, type RelayEventPlaintext } from './sealing';
import { channelDedupKey, dedupHash } from './server-key';
import type { ChannelRecord, RelayStore } from './store';
import { callbackKinds } from '../shared/callback-kinds';

const kinds = new Set<string>(callbackKinds);

/** Daraja's acknowledgement; a C2B validation gets the same unless the channel's rules refuse it. */
export const ACCEPTED = '{"ResultCode":0,"ResultDesc":"Accepted"}';

/** What Daraja is told about a C2B validation (REFERENCE §7.3). */
function validationAnswer(decision: C2bDecision): string {
  return JSON.stringify({
    ResultCode: decision.resultCode,
    ResultDesc: decision.resultCode === '0' ? 'Accepted' : 'Rejected',
  });
}

const noRules = accepted('no C2B rules for this channel');

/** Headers worth keeping for the desktop; never cookies or authorisation. */
const keptHeaders = ['content-type', 'user-agent', 'x-forwarded-for', 'x-real-ip', 'forwarded', 'content-length'];

export interface HookContext {
  store: RelayStore;
  metrics: RelayMetrics;
  serverKey: Buffer;
  /** null: no source-IP check. */
  allowlist: ReadonlySet<string> | null;
  refuse: Refuse;
  /** Called after a new event is committed, to wake long-polls. */
  onStored(channel: string): void;
}

interface HookParams {
  channel: string;
  secret: string;
  kind: string;
}

export { normaliseIp };

export type Refuse = (
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  reason: RejectReason,
  message: string,
) => FastifyReply;

/**
 * How the relay says no. A refusal counts against the sender's address (past its limit it is
 * answered 429), and the connection is closed after the answer, so a body announced but not yet
 * sent is never waited for. A callback the relay could not store is its own failure: not counted,
 * and the connection stays, as Daraja retries.
 */
export function refuser(metrics: RelayMetrics, refusals: RefusalCounter): Refuse {
  return (request, reply, status, reason, message) => {
    if (reason !== 'store-failed') {
      if (refusals.count(normaliseIp(request.ip)) && status !== 429) {
        status = 429;
        reason = 'rate-limited';
        message = 'too many refused requests';
      }
      reply.header('connection', 'close');
    }
    metrics.rejected.inc({ reason });
    return reply
      .code(status)
      .type('application/json')
      .send(JSON.stringify({ error: message }));
  };
}

export function registerHooks(app: FastifyInstance, ctx: HookContext): void {
  const sealers = new Map<string, { pem: string; sealer: Sealer }>();
  const dedupKeys = new Map<string, Buffer>();
  /** The channel each authorised request was checked against, handed from onRequest to the handler. */
  const authorised = new WeakMap<FastifyRequest, ChannelRecord>();

  function sealer(channel: string, pem: string): Sealer {
    const cached = sealers.get(channel);
    if (cached && cached.pem === pem) return cached.sealer;
    const fresh = new Sealer(pem);
    sealers.set(channel, { pem, sealer: fresh });
    return fresh;
  }

  /**
   * Compiled once per distinct rules text: the channel cache is rebuilt whenever another connection
   * commits (the writer thread does, all the time), so record objects are not a stable key.
   */
  const c2bChecks = new Map<string, C2bCheck>();

  function c2bCheck(channel: string, rules: C2bRules): C2bCheck {
    const key = `${channel}\0${JSON.stringify(rules)}`;
    let check = c2bChecks.get(key);
    if (!check) {
      try {
        check = compileC2bRules(rules);
      } catch (error) {
        // Rules are checked when set; only rules written by another relay version (or by hand) get
        // here. Accepting is what the relay does without rules, and the desktop sees why.
        app.log.error(
          { channel, problem: (error as Error).message },
          'C2B rules of this channel cannot be used; accepting C2B validations',
        );
        const unusable = accepted(`the channel's C2B rules cannot be used (${(error as Error).message})`);
        check = () => unusable;
      }
      if (c2bChecks.size >= 1000) c2bChecks.clear();
      c2bChecks.set(key, check);
    }
    return check;
  }

  function validate(record: ChannelRecord, document: unknown): C2bDecision {
    return record.c2bRules === null ? noRules : c2bCheck(record.id, record.c2bRules)(document);
  }

  function dedupKey(channel: string): Buffer {
    let key = dedupKeys.get(channel);
    if (!key) dedupKeys.set(channel, (key = channelDedupKey(ctx.serverKey, channel)));
    return key;
  }

  app.post<{ Params: HookParams; Body: { raw: string; value: unknown } | undefined }>(
    '/hooks/:channel/:secret/:kind',
    {
      // No volume limit on callbacks that pass the checks: Daraja does not retry a refused result.
      // Runs before the body is read: a stranger cannot make the relay buffer 64 KiB.
      onRequest: async (request: FastifyRequest<{ Params: HookParams }>, reply: FastifyReply) => {
        const ip = normaliseIp(request.ip);
        if (ctx.allowlist && !ctx.allowlist.has(ip))
          return ctx.refuse(request, reply, 403, 'ip-not-allowed', 'source address not allowed');
        const { channel, secret, kind } = request.params;
        if (!kinds.has(kind)) return ctx.refuse(request, reply, 404, 'unknown-kind', 'not found');
        const record = await ctx.store.channel(channel);
        // Unknown channel and wrong secret look the same from outside.
        if (!record) return ctx.refuse(request, reply, 404, 'unknown-channel', 'not found');
        if (!matchesHash(secret, record.secretHash))
          return ctx.refuse(request, reply, 404, 'wrong-secret', 'not found');
        authorised.set(request, record);
      },
    },
    async (request, reply) => {
      const started = performance.now();
      const { channel, kind } = request.params;
      const raw = request.body?.raw;
      if (raw === undefined) return ctx.refuse(request, reply, 400, 'not-json', 'body must be JSON');
      const record = authorised.get(request);
      if (!record) return ctx.refuse(request, reply, 404, 'unknown-channel', 'not found');
      const headers: Record<string, string> = {};
      for (const name of keptHeaders) {
        const value = request.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const receivedAt = Date.now();
      const plaintext: RelayEventPlaintext = {
        kind,
        receivedAt: new Date(receivedAt).toISOString(),
        sourceIp: normaliseIp(request.ip),
        headers,
        body: raw,
      };
      if (kind === 'c2b-validation') plaintext.validation = validate(record, request.body?.value);
      const sealed = JSON.stringify(sealer(channel, record.publicKeyPem).seal(JSON.stringify(plaintext)));
      let duplicate: boolean;
      try {
        ({ duplicate } = await ctx.store.append({
          channel,
          kind,
          dedupKey: dedupHash(dedupKey(channel), kind, raw),
          sealed,
          receivedAt,
        }));
      } catch (error) {
        // Not stored, so not acknowledged: Daraja retries.
        request.log.error({ err: error, channel, kind }, 'callback could not be stored');
        return ctx.refuse(request, reply, 503, 'store-failed', 'temporarily unable to store');
      }
      ctx.metrics.storeSeconds.observe((performance.now() - started) / 1000);
      if (duplicate) {
        ctx.metrics.duplicates.inc();
      } else {
        ctx.metrics.received.inc({ channel, kind });
        ctx.onStored(channel);
      }
      const validation = plaintext.validation;
      if (validation) ctx.metrics.c2bValidations.inc({ result: validation.resultCode });
      // The decision's code only: its reason quotes the payment.
      request.log.debug(
        { channel, kind, duplicate, ...(validation ? { resultCode: validation.resultCode } : {}) },
        'callback stored',
      );
      return reply
        .code(200)
        .type('application/json')
        .send(validation ? validationAnswer(validation) : ACCEPTED);
    },
  );
}
