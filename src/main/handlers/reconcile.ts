// Contract handlers for reconciliation: each parses its input and calls one statements function;
// the rules, the SQL and the locks live in src/main/statements/.
import type { ContractHandlers } from '../transports/dispatch';
import { addToLedger, confirmProposal, markElsewhere } from '../statements/decide';
import { importStatement, previewStatement } from '../statements/import';
import {
  finishReconciliation,
  reconciliationHistory,
  showReconciliation,
  tickMatched,
  tickRows,
} from '../statements/reconcile';
import { exportReconciliation } from '../statements/report';
import { floatStatement } from '../statements/float-statement';
import { exportFloatStatement, floatExportFileStem } from '../statements/float-export';
import { latestTransactionId } from '../ledger/query';
import type { ApiContext } from './context';
import { exportFileName, produceFile } from './files';

type ReconcileMethods =
  | 'statements.preview'
  | 'statements.import'
  | 'reconcile.show'
  | 'reconcile.tick'
  | 'reconcile.tickMatched'
  | 'reconcile.decide'
  | 'reconcile.finish'
  | 'reconcile.history'
  | 'reconcile.export'
  | 'statements.float'
  | 'statements.floatExport';

export function reconcileHandlers(ctx: ApiContext): Pick<ContractHandlers, ReconcileMethods> {
  const core = () => ctx.session.require();
  const now = () => new Date().toISOString();
  const ledgerChanged = () => {
    ctx.events.publish('ledger.changed', { added: 1, latestId: latestTransactionId(core().db) });
  };
  return {
    'statements.preview': async ({ fileName, contentBase64, account }) => {
      const {
        parsed,
        account: named,
        gaps,
      } = await previewStatement(fileName, Buffer.from(contentBase64, 'base64'), account);
      return {
        account: named,
        organisation: parsed.preamble.organisation,
        openingBalanceCents: parsed.preamble.openingBalanceCents,
        closingBalanceCents: parsed.preamble.closingBalanceCents,
        rowCount: parsed.rows.length,
        problems: parsed.problems,
        gaps,
        sample: parsed.rows.slice(0, 20).map((r) => ({
          line: r.line,
          receipt: r.receipt,
          completedAt: r.completedAt,
          details: r.details,
          paidInCents: r.paidInCents,
          withdrawnCents: r.withdrawnCents,
          balanceCents: r.balanceCents,
          otherParty: r.otherParty,
        })),
      };
    },
    'statements.import': async ({ fileName, contentBase64, account }) => {
      const result = await importStatement(core().db, {
        fileName,
        bytes: Buffer.from(contentBase64, 'base64'),
        actor: ctx.actor,
        now: now(),
        ...(account === undefined ? {} : { account }),
      });
      const { importId, account: stored, rowsRead, rowsNew, rowsRepeated, problems, gaps, buckets } = result;
      return { importId, account: stored, rowsRead, rowsNew, rowsRepeated, problems, gaps, buckets };
    },
    'reconcile.show': ({ account, period }) => showReconciliation(core().db, account, period),
    'reconcile.tick': ({ rowIds, ticked }) => {
      tickRows(core().db, { rowIds, ticked, actor: ctx.actor, now: now() });
      return { ticked: rowIds.length };
    },
    'reconcile.tickMatched': ({ account, period }) => ({
      ticked: tickMatched(core().db, { account, period, actor: ctx.actor, now: now() }),
    }),
    'reconcile.decide': async (input) => {
      const c = core();
      switch (input.how) {
        case 'add': {
          addToLedger(c.db, { rowId: input.rowId, kind: input.kind, actor: ctx.actor, now: now() });
          ledgerChanged();
          return { message: 'Added to the ledger' };
        }
        case 'elsewhere':
          markElsewhere(c.db, { rowId: input.rowId, note: input.note, actor: ctx.actor, now: now() });
          return { message: 'Marked as belonging elsewhere' };
        case 'confirm': {
          const outcome = await confirmProposal(
            c.db,
            (itemId, resolution, actor) => c.engine.resolveItem(itemId, resolution, actor),
            { rowId: input.rowId, attemptId: input.attemptId, actor: ctx.actor, now: now() },
          );
          if (outcome.outcome === 'paid') ledgerChanged();
          return { message: outcome.message };
        }
        default: {
          const unknown: never = input;
          throw new Error(`Unknown decision ${JSON.stringify(unknown)}`);
        }
      }
    },
    'reconcile.finish': ({ account, period }) =>
      finishReconciliation(core().db, { account, period, actor: ctx.actor, now: now() }),
    'reconcile.history': () => reconciliationHistory(core().db),
    'reconcile.export': ({ account, period, format }) => {
      const { db, profile } = core();
      const view = showReconciliation(db, account, period);
      return produceFile(
        ctx,
        profile.name,
        exportFileName(`mshahara-reconciliation-${period}`, format),
        format,
        async (path) => {
          await exportReconciliation(view, path, format);
          return view.rows.length;
        },
      );
    },
    'statements.float': ({ account, period }) => floatStatement(core().db, account, period),
    'statements.floatExport': ({ account, period, format }) => {
      const { db, profile } = core();
      const view = floatStatement(db, account, period);
      const extension = format === 'xlsx' ? 'xlsx' : 'csv';
      return produceFile(
        ctx,
        profile.name,
        exportFileName(floatExportFileStem(view, format), extension),
        extension,
        (path) => exportFloatStatement(view, path, format),
      );
    },
  };
}
