// The exactly-once payout engine's public face (docs/money-safety.md#the-rules).
export { PayoutEngine, type PayoutEngineOptions, type EngineCounters } from './engine';
export type { ProgressListener } from './progress-stream';
export { runProgress, runIsSettled, type RunProgress } from './progress';
export { applyInboxEntry, defaultNotFoundCodes, engineKinds, type ApplyResult, type EvidencePolicy } from './apply';
export {
  clearFinding,
  listAttention,
  listFindings,
  type AttentionItem,
  type Finding,
  type Resolution,
  type ResolveOutcome,
} from './attention';
export { checkRegisteredName, type NameCheck } from './names';
export { committedElsewhere, runFloatNeed, requireFloat } from './float-check';
export { SendRate } from './rate';
