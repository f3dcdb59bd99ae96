// The exactly-once payout engine's public face (DESIGN §4).
export { PayoutEngine, type PayoutEngineOptions, type ProgressListener, type EngineCounters } from './engine';
export { runProgress, runIsSettled, type RunProgress } from './progress';
export { applyInboxEntry, engineKinds, type ApplyResult } from './apply';
export { checkRegisteredName, type NameCheck } from './names';
export { runFloatNeed, requireFloat } from './float-check';
export { SendRate } from './rate';
