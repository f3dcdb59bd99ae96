// GET /simulator/statement?account=utility|charges&from=&to=&format=csv|xlsx: the statement the
// organisation portal would export for the simulated account (a control path, no token needed).
import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from './context';
import {
  buildStatement,
  statementCsv,
  statementFileName,
  statementXlsx,
  watchReversals,
  type StatementAccount,
} from './statement';

function accountOf(value: unknown): StatementAccount | null {
  const text = String(value ?? 'utility').toLowerCase();
  if (text.startsWith('utility')) return 'utility';
  if (text.startsWith('charges')) return 'charges';
  return null;
}

function timeOf(value: unknown, fallback: Date): Date | null {
  if (value === undefined || value === '') return fallback;
  const time = new Date(String(value));
  return Number.isNaN(time.getTime()) ? null : time;
}

export function registerStatementRoute(app: FastifyInstance, ctx: SimulatorContext): void {
  watchReversals(ctx.model);
  app.get('/simulator/statement', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const account = accountOf(query.account);
    const from = timeOf(query.from, new Date(0));
    const to = timeOf(query.to, ctx.now());
    const format = String(query.format ?? 'csv');
    if (account === null) return reply.code(400).send({ error: 'account is utility or charges' });
    if (from === null || to === null)
      return reply.code(400).send({ error: 'from and to are ISO times, e.g. 2026-12-01T00:00:00Z' });
    if (format !== 'csv' && format !== 'xlsx') return reply.code(400).send({ error: 'format is csv or xlsx' });
    const statement = buildStatement(ctx.model, account, from, to);
    const name = statementFileName(statement, format, ctx.now());
    reply.header('content-disposition', `attachment; filename="${name}"`);
    if (format === 'csv') return reply.header('content-type', 'text/csv; charset=utf-8').send(statementCsv(statement));
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .send(await statementXlsx(statement));
  });
}
