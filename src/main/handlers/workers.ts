// Contract handlers for the worker list: list, add, edit, deactivate, restore, import with a
// preview, and the payroll template.
import { writeFile } from 'node:fs/promises';
import type { PhoneChangeView, WorkerView } from '../../shared/contract';
import type { ImportPreview } from '../payroll/import';
import { payrollTemplateCsv, payrollTemplateXlsx } from '../payroll/template';
import {
  addWorker,
  archiveWorker,
  editWorker,
  importWorkers,
  listWorkers,
  restoreWorker,
  type Worker,
} from '../payroll/workers';
import { pendingPhoneChangeFor, pendingPhoneChanges, type PhoneChange } from '../payroll/phone-changes';
import type { ProfileDatabase } from '../db';
import type { ApiContext } from './context';
import type { ContractHandlers } from '../transports/dispatch';
import { produceFile } from './files';
import { importPreviewView, readUpload, type UploadChoice } from './imports';

export function phoneChangeView(change: PhoneChange): PhoneChangeView {
  return {
    id: change.id,
    workerId: change.workerId,
    workerName: change.workerName,
    oldPhone: change.oldPhone,
    newPhone: change.newPhone,
    changedBy: change.changedBy,
    changedByName: change.changedByName,
    changedAt: change.changedAt,
    status: change.status,
    decidedBy: change.decidedBy,
    decidedByName: change.decidedByName,
    decidedAt: change.decidedAt,
  };
}

/** A worker as the screens see it, with the new number waiting for approval if there is one. */
export function workerView(worker: Worker, pending: PhoneChange | null): WorkerView {
  return { ...worker, pendingPhoneChange: pending === null ? null : phoneChangeView(pending) };
}

function withPending(db: ProfileDatabase, worker: Worker): WorkerView {
  return workerView(worker, pendingPhoneChangeFor(db, worker.id));
}

export { importPreviewView };

/** A workers file: a phone an active worker already has is an invalid row (never a second worker). */
function previewWorkersFile(
  ctx: ApiContext,
  db: ProfileDatabase,
  upload: UploadChoice,
  forPreview: boolean,
): Promise<ImportPreview> {
  return readUpload(db, upload, 'workers', ctx.actor, forPreview);
}

type WorkerMethods =
  | 'workers.list'
  | 'workers.add'
  | 'workers.edit'
  | 'workers.deactivate'
  | 'workers.restore'
  | 'workers.importPreview'
  | 'workers.importCommit'
  | 'workers.template';

export function workerHandlers(ctx: ApiContext): Pick<ContractHandlers, WorkerMethods> {
  const db = () => ctx.session.require().db;
  return {
    'workers.list': ({ search, include, limit, offset }) => {
      // Worker lists are thousands at most: filter in SQL, count the filtered list, slice the page.
      const database = db();
      const all = listWorkers(database, { ...(search === undefined ? {} : { search }), include });
      const pending = new Map(pendingPhoneChanges(database).map((change) => [change.workerId, change]));
      return {
        workers: all.slice(offset, offset + limit).map((worker) => workerView(worker, pending.get(worker.id) ?? null)),
        total: all.length,
      };
    },
    'workers.add': (input) => withPending(db(), addWorker(db(), input, ctx.actor)),
    'workers.edit': ({ id, changes }) =>
      withPending(db(), editWorker(db(), id, changes, ctx.actor, ctx.caller()?.accountId ?? null)),
    'workers.deactivate': ({ id }) => withPending(db(), archiveWorker(db(), id, ctx.actor)),
    'workers.restore': ({ id }) => withPending(db(), restoreWorker(db(), id, ctx.actor)),
    'workers.importPreview': async ({ contentBase64, sheet, mapping }) =>
      importPreviewView(await previewWorkersFile(ctx, db(), { contentBase64, sheet, mapping }, true)),
    'workers.importCommit': async ({ fileName, contentBase64, sheet, mapping }) => {
      // The file is read again rather than trusting a preview the page kept: what is saved is what the file says now.
      const preview = await previewWorkersFile(ctx, db(), { contentBase64, sheet, mapping }, false);
      const result = importWorkers(db(), preview, ctx.actor, fileName);
      return { created: result.created.length, refused: result.refused };
    },
    'workers.template': ({ format }) => {
      const profile = ctx.session.current?.profile.name ?? 'no-profile';
      return produceFile(ctx, profile, `mshahara-payroll-template.${format}`, format, async (path) => {
        await writeFile(path, format === 'csv' ? payrollTemplateCsv() : await payrollTemplateXlsx());
        return null;
      });
    },
  };
}
