// The contract's method and event names alone, without their schemas: what the preload needs to
// allow a call, so the sandboxed preload stays a few kilobytes instead of carrying zod. contract.ts
// checks at compile time that these lists are exactly the contract's names.
export const methodNameList = [
  'app.info',
  'profiles.list',
  'profiles.create',
  'profiles.select',
  'profiles.updateCredentials',
  'setup.testConnection',
  'certificate.info',
  'certificate.load',
  'relay.get',
  'relay.publicKey',
  'relay.connect',
  'settings.get',
  'settings.update',
  'workers.list',
  'workers.add',
  'workers.edit',
  'workers.deactivate',
  'workers.restore',
  'workers.importPreview',
  'workers.importCommit',
  'workers.template',
  'imports.leftOutFile',
  'runs.list',
  'runs.previewFile',
  'runs.createFromWorkers',
  'runs.createFromFile',
  'runs.review',
  'runs.approve',
  'runs.start',
  'runs.pause',
  'runs.resume',
  'runs.cancel',
  'runs.progress',
  'runs.results',
  'runs.retryFailed',
  'runs.approveRetry',
  'runs.editLine',
  'runs.removeLine',
  'runs.addWorkers',
  'runs.discard',
  'runs.requestRetry',
  'runs.export',
  'runs.attention',
  'runs.resolve',
  'runs.clearFinding',
  'dashboard.summary',
  'balance.refresh',
  'ledger.list',
  'ledger.detail',
  'ledger.export',
  'inbox.list',
  'inbox.settle',
  'statements.preview',
  'statements.import',
  'reconcile.show',
  'reconcile.tick',
  'reconcile.tickMatched',
  'reconcile.decide',
  'reconcile.finish',
  'reconcile.history',
  'reconcile.export',
  'reports.failedPayments',
  'reports.failedPaymentsExport',
  'statements.float',
  'statements.floatExport',
] as const;

export const eventNameList = [
  'app.notice',
  'run.progress',
  'run.ended',
  'inbox.changed',
  'balance.changed',
  'ledger.changed',
  'profile.changed',
  'audit.alarm',
] as const;

const methodSet: ReadonlySet<string> = new Set(methodNameList);
const eventSet: ReadonlySet<string> = new Set(eventNameList);

export function isMethodName(name: unknown): name is (typeof methodNameList)[number] {
  return typeof name === 'string' && methodSet.has(name);
}

export function isEventName(name: unknown): name is (typeof eventNameList)[number] {
  return typeof name === 'string' && eventSet.has(name);
}

/** The IPC channel names the Electron transport uses; the preload allows these and nothing else. */
export const ipcChannel = { invoke: 'mshahara:invoke', event: 'mshahara:event' } as const;
