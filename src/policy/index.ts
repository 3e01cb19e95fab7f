// The policy engine's public API: load, prepare, evaluate, format diagnostics.
export { loadPolicy, compileText, type LoadOptions, type LoadResult } from './load.js';
export { evaluate } from './evaluate.js';
export { prepareCall, type PrepareDeps, type PrepareContext } from './prepare.js';
export { formatDiagnostic, type Diagnostic, type DiagnosticCode } from './diagnostics.js';
export { buildFloor, type FloorContext } from './floor.js';
export type { CompiledPolicy } from './model.js';
export type { CallInput, Decision, RateFacts, Verdict, HookPayload, RuleMatch } from './types.js';
export { generatePolicyJsonSchema, MAX_ESCALATION_SECONDS } from './schema.js';
export { resolvePathLexically } from './resolve-path.js';
export { parseShellFallback } from './fallback-shell.js';
