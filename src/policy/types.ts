// The contract between the supervisor and the policy engine: what a call looks like, what a decision is.
import type { ParsedShell, PathAccess } from '../shell/types.js';

/** allow < escalate < deny: the strictest matching rule wins. */
export type Verdict = 'allow' | 'escalate' | 'deny';

/** Who a call escalates to: a person off the worker (`toolgate approve`), or the worker's own dialog (PreToolUse `ask`). */
export type EscalateTo = 'human' | 'dialog';

/** The raw PreToolUse payload Claude Code sends a hook (only the fields toolgate reads). */
export interface HookPayload {
  session_id: string;
  transcript_path?: string;
  cwd: string;
  hook_event_name: string;
  tool_name: string;
  tool_input: Record<string, unknown>;
  tool_use_id: string;
  permission_mode?: string;
  agent_id?: string;
  agent_type?: string;
}

/** A path the call touches, after resolution (cwd, ~, $HOME, .., //, existing symlinks). */
export interface ResolvedPath {
  /** The absolute, normalised path (symlinks that exist resolved). */
  path: string;
  /** The path as written in the call. */
  written: string;
  access: PathAccess;
  source: 'input' | 'operand' | 'redirect';
  /** For shell paths: the index of the simple command (in `shell.commands`) that touches it. */
  command?: number;
  /**
   * Set when the written path is not fully known: `expansion` when it holds a variable, a substitution or `~user`
   * (the resolved path is a guess; an allow rule never matches it), `glob` when it only holds glob characters (the
   * resolved path keeps them, e.g. `/ws/build/*`).
   */
  dynamic?: 'expansion' | 'glob';
}

/** Everything a pure evaluation needs about one call, gathered before evaluation. */
export interface CallInput {
  tool: string;
  input: Record<string, unknown>;
  worker: string;
  session: string;
  cwd: string;
  home: string;
  /** The parsed shell command (Bash only). */
  shell?: ParsedShell;
  paths: ResolvedPath[];
  /** Milliseconds since the epoch: the time the decision is made for. */
  now: number;
  /** Set when the call comes from a subagent. */
  agent?: { id: string; type: string };
  /** The workspaces of the other live toolgate workers (the floor keeps this worker out of them). */
  otherWorkspaces?: string[];
}

/** Counters the engine reads for rate limits: matching calls per key within each rule's window, before this one. */
export interface RateFacts {
  /** Returns how many calls matched `key` since `sinceMs` (the supervisor keeps the history). */
  count(key: string, sinceMs: number): number;
}

/** One matched rule in the trace. */
export interface RuleMatch {
  rule: string;
  layer: string;
  verdict: Verdict;
  reason: string;
  /** Why it matched, for `policy explain` (e.g. "command git push matched prefix [git, push]"). */
  because: string[];
}

export interface Decision {
  verdict: Verdict;
  /** The rule that decided (the strictest match), or `default` / `floor:<id>`. */
  rule: string;
  /** Text for the model on deny: what was refused, why, and not to look for a way around it. */
  reason: string;
  trace: RuleMatch[];
  /** Content hash of the policy layers in force. */
  revision: string;
  escalation?: { to: EscalateTo; timeoutSec: number; onTimeout: 'deny' | 'allow' };
  /** When true the decision is recorded but not enforced (observe mode). */
  observe: boolean;
  /** Rate-limit keys this call counts against (the supervisor records them once decided). */
  rateKeys: string[];
}
