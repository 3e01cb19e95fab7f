// The audit trail's public API: the supervisor writes with openAuditLog; the CLI reads, verifies and summarises.
export { openAuditLog, DEFAULT_MAX_FILE_BYTES, type AuditLog, type AuditLogOptions } from './writer.js';
export {
  verifyAudit,
  type VerifyResult,
  type VerifyProblem,
  type VerifyOptions,
  type ProblemType,
} from './verify.js';
export { readAudit, iterateAudit } from './read.js';
export { followAudit, type FollowOptions } from './follow.js';
export { matchesFilter, parseSince, type AuditFilter } from './filter.js';
export { summarizeAudit, type AuditSummary } from './summary.js';
export { redactInput, redactRecord, type RedactedInput, type RedactOptions } from './redact.js';
export { redactText } from './secrets.js';
export {
  checkpointAudit,
  readCheckpoints,
  parseCheckpointArg,
  defaultCheckpointsFile,
} from './checkpoint.js';
export { resolveAuditDir } from './audit-dir.js';
export {
  AUDIT_KINDS,
  AUDIT_VERSION,
  GENESIS,
  type AuditKind,
  type AuditRecord,
  type AuditRecordInput,
  type Checkpoint,
} from './schema.js';
