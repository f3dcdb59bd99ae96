// The simulator's HTTP face: OAuth, the Daraja business paths with bearer-token checks and fault
// injection around them, and the /simulator/* control paths used by tests and the demo.
import crypto from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { DarajaRejection, errorAnswer, type DarajaAnswer, type RequestBody, type SimulatorContext } from './context';
import { b2cPayment } from './b2c';
import { accountBalance, reversal, transactionStatus } from './org-apis';
import { c2bRegister, c2bSimulate, customerPays } from './c2b';
import { parseSafaricomPhone } from '../shared/phone';
import { parseKes } from '../shared/money';
import { stkPush, stkQuery } from './stk';
import { presetFaults, type SimulatorFaults } from './faults';
import { registerStatementRoute } from './statement-route';

type BusinessHandler = (ctx: SimulatorContext, body: RequestBody) => DarajaAnswer;

const businessRoutes: Record<string, BusinessHandler> = {
  '/mpesa/b2c/v3/paymentrequest': (ctx, body) => b2cPayment(ctx, body, 'v3'),
  '/mpesa/b2c/v1/paymentrequest': (ctx, body) => b2cPayment(ctx, body, 'v1'),
  '/mpesa/accountbalance/v1/query': accountBalance,
  '/mpesa/transactionstatus/v1/query': transactionStatus,
  '/mpesa/reversal/v1/request': reversal,
  '/mpesa/stkpush/v1/processrequest': stkPush,
  '/mpesa/stkpushquery/v1/query': stkQuery,
  '/mpesa/c2b/v1/registerurl': (ctx, body) => c2bRegister(ctx, body, 'v1'),
  '/mpesa/c2b/v2/registerurl': (ctx, body) => c2bRegister(ctx, body, 'v2'),
  '/mpesa/c2b/v1/simulate': (ctx, body) => c2bSimulate(ctx, body, 'v1'),
  '/mpesa/c2b/v2/simulate': (ctx, body) => c2bSimulate(ctx, body, 'v2'),
};

export interface ServerState {
  tokenRequests: number;
  requests: Record<string, number>;
}

interface IssuedToken {
  app: string;
  expiresAtMs: number;
}

const tokenAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function newAccessToken(): string {
  const bytes = crypto.randomBytes(28);
  return Array.from(bytes, (b) => tokenAlphabet[b % tokenAlphabet.length]).join('');
}

function send(reply: FastifyReply, answer: DarajaAnswer): FastifyReply {
  return reply.code(answer.status).header('content-type', 'application/json').send(JSON.stringify(answer.body));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createServer(
  ctx: SimulatorContext,
  state: ServerState,
  addCustomers: (list: Array<{ msisdn: string; name: string }>) => number,
  logLevel: string,
): FastifyInstance {
  const app = Fastify({
    logger: { level: logLevel, redact: ['req.headers.authorization'] },
    forceCloseConnections: true,
  });
  const tokens = new Map<string, IssuedToken>();

  // Daraja reads bodies itself: a wrong content type means "field missing", bad JSON means 400.002.05.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  const count = (path: string): void => {
    state.requests[path] = (state.requests[path] ?? 0) + 1;
  };

  const readBody = (request: FastifyRequest): RequestBody => {
    const type = String(request.headers['content-type'] ?? '');
    const raw = typeof request.body === 'string' ? request.body : '';
    if (!/^application\/json\b/i.test(type)) return {};
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      return parsed as RequestBody;
    } catch {
      throw new DarajaRejection('400.002.05', 'Invalid Request Payload');
    }
  };

  app.get('/oauth/v1/generate', async (request, reply) => {
    count('/oauth/v1/generate');
    state.tokenRequests += 1;
    await sleep(ctx.faults.latencyMs());
    const header = String(request.headers.authorization ?? '');
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/.exec(header);
    const [key, ...secretParts] = match
      ? Buffer.from(match[1] ?? '', 'base64')
          .toString('utf8')
          .split(':')
      : [];
    if (ctx.faults.spikeArrested(key ?? 'anonymous', ctx.now().getTime()))
      return send(reply, errorAnswer(ctx, '500.003.02', 'Error Occurred: Spike Arrest Violation'));
    if (ctx.faults.failBefore()) return send(reply, errorAnswer(ctx, '500.003.1001', 'Internal Server Error'));
    const query = request.query as Record<string, unknown>;
    if (query.grant_type !== 'client_credentials')
      return send(reply, errorAnswer(ctx, '400.008.02', 'Invalid grant type passed'));
    if (key !== ctx.credentials.consumerKey || secretParts.join(':') !== ctx.credentials.consumerSecret) {
      return send(reply, errorAnswer(ctx, '400.008.01', 'Invalid Authentication passed'));
    }
    const ttl = ctx.faults.tokenTtlSeconds();
    const token = newAccessToken();
    tokens.set(token, { app: key, expiresAtMs: ctx.now().getTime() + ttl * 1000 });
    return send(reply, { status: 200, body: { access_token: token, expires_in: String(ttl) } });
  });

  const callbackUrls = new Set<string>();
  const noteCallbackUrls = (body: RequestBody): void => {
    if (body === null || typeof body !== 'object') return;
    for (const [key, value] of Object.entries(body as Record<string, unknown>))
      if (/URL$/i.test(key) && typeof value === 'string' && /^https?:\/\//.test(value)) callbackUrls.add(value);
  };

  for (const [path, handler] of Object.entries(businessRoutes)) {
    app.post(path, async (request, reply) => {
      count(path);
      await sleep(ctx.faults.latencyMs());
      const header = String(request.headers.authorization ?? '');
      const bearer = /^Bearer\s+(\S+)$/.exec(header)?.[1];
      if (bearer === undefined) return send(reply, errorAnswer(ctx, '404.001.04', 'Invalid Authentication Header'));
      const token = tokens.get(bearer);
      if (!token || token.expiresAtMs <= ctx.now().getTime()) {
        if (token) tokens.delete(bearer);
        return send(reply, errorAnswer(ctx, '404.001.03', 'Invalid Access Token'));
      }
      if (ctx.faults.spikeArrested(token.app, ctx.now().getTime()))
        return send(reply, errorAnswer(ctx, '500.003.02', 'Error Occurred: Spike Arrest Violation'));
      if (ctx.faults.failBefore()) return send(reply, errorAnswer(ctx, '500.003.1001', 'Internal Server Error'));
      let answer: DarajaAnswer;
      try {
        const body = readBody(request);
        noteCallbackUrls(body);
        answer = handler(ctx, body);
      } catch (error) {
        if (!(error instanceof DarajaRejection)) throw error;
        answer = errorAnswer(ctx, error.errorCode, error.errorMessage, error.requestId);
      }
      const lost = answer.status === 200 ? ctx.faults.loseAnswer() : null;
      switch (lost) {
        case null:
          return send(reply, answer);
        case 'server-error':
          return send(reply, errorAnswer(ctx, '500.003.1001', 'Internal Server Error'));
        case 'connection-destroyed':
          reply.hijack();
          request.raw.socket.destroy();
          return reply;
        default: {
          const unreachable: never = lost;
          throw new Error(`unknown lost answer ${String(unreachable)}`);
        }
      }
    });
  }

  // Control paths for tests and the demo: not part of Daraja, no token needed.
  app.get('/simulator/certificate', async (_request, reply) =>
    reply.header('content-type', 'application/x-pem-file').send(ctx.keys.certificatePem),
  );
  // The callback addresses requests named (ResultURL, QueueTimeOutURL, CallBackURL), as M-Pesa
  // knows them: a test registers C2B URLs beside them, as an admin registers them in the portal.
  app.get('/simulator/callback-urls', async (_request, reply) => send(reply, { status: 200, body: [...callbackUrls] }));
  app.get('/simulator/payments', async (_request, reply) => send(reply, { status: 200, body: ctx.model.payments() }));
  registerStatementRoute(app, ctx);
  app.get('/simulator/collections', async (_request, reply) =>
    send(reply, { status: 200, body: ctx.model.collectionsMade() }),
  );
  // A customer pays the Pay Bill now, as the sandbox's simulate does: {msisdn, amount (KES), accountNumber, shortcode?}.
  app.post('/simulator/c2b/pay', async (request, reply) => {
    try {
      const body = JSON.parse(String(request.body ?? '{}')) as Record<string, unknown>;
      const phone = parseSafaricomPhone(String(body.msisdn ?? ''));
      if (!phone.ok) throw new Error(phone.reason);
      const amountCents = parseKes(String(body.amount ?? ''));
      if (amountCents < 100 || amountCents % 100 !== 0) throw new Error('amount takes whole shillings, at least 1');
      const accountNumber = String(body.accountNumber ?? '');
      if (accountNumber.length > 20) throw new Error('accountNumber takes at most 20 characters');
      const shortcode = body.shortcode === undefined ? ctx.credentials.shortcode : String(body.shortcode);
      if (!/^\d{5,7}$/.test(shortcode)) throw new Error('shortcode takes 5 to 7 digits');
      const receipt = customerPays(ctx, {
        shortcode,
        commandId: 'CustomerPayBillOnline',
        amountCents,
        msisdn: phone.msisdn,
        billRef: accountNumber,
        version: 'v2',
      });
      return send(reply, { status: 200, body: { receipt, msisdn: phone.msisdn, amountCents, shortcode } });
    } catch (error) {
      return send(reply, { status: 400, body: { error: (error as Error).message } });
    }
  });
  app.get('/simulator/failures', async (_request, reply) => send(reply, { status: 200, body: ctx.model.failures() }));
  app.get('/simulator/stats', async (_request, reply) =>
    send(reply, { status: 200, body: { ...state, callbacks: { ...ctx.callbacks.stats }, b2c: { ...ctx.b2cStats } } }),
  );
  app.get('/simulator/faults', async (_request, reply) => send(reply, { status: 200, body: ctx.faults.current() }));
  app.post('/simulator/faults', async (request, reply) => {
    try {
      // {"preset": "realistic" | "clean", ...fields}: the preset first, then the fields over it.
      const { preset, ...update } = JSON.parse(String(request.body ?? '{}')) as Partial<SimulatorFaults> & {
        preset?: unknown;
      };
      if (preset !== undefined) ctx.faults.set(presetFaults(preset));
      return send(reply, { status: 200, body: ctx.faults.set(update) });
    } catch (error) {
      return send(reply, { status: 400, body: { error: (error as Error).message } });
    }
  });
  app.post('/simulator/customers', async (request, reply) => {
    try {
      const parsed = JSON.parse(String(request.body ?? '[]')) as unknown;
      const list = Array.isArray(parsed) ? parsed : (parsed as { customers?: unknown }).customers;
      if (!Array.isArray(list)) throw new Error('Send a list of {msisdn, name}');
      return send(reply, {
        status: 200,
        body: { added: addCustomers(list as Array<{ msisdn: string; name: string }>) },
      });
    } catch (error) {
      return send(reply, { status: 400, body: { error: (error as Error).message } });
    }
  });

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path in businessRoutes || path === '/oauth/v1/generate')
      return send(reply, errorAnswer(ctx, '405.001', `${request.method} Method Not Allowed`));
    return send(reply, errorAnswer(ctx, '404.001.01', 'Resource not found'));
  });
  app.setErrorHandler(async (error, _request, reply) => {
    ctx.log('simulator internal error', { error: (error as Error).message });
    return send(reply, errorAnswer(ctx, '500.003.1001', 'Internal Server Error'));
  });
  return app;
}
