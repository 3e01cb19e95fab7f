// The compiled form of policy layers: rules with prebuilt matchers, ready for pure evaluation.
import type { PathAccess, SimpleCommand } from '../shell/types.js';
import type { CelProgram } from './cel.js';
import type { CommandTest } from './match-command.js';
import type { PathTest } from './match-path.js';
import type { TestCaseDoc } from './schema.js';
import type { ToolMatcher } from './tools.js';
import type { CallInput, EscalateTo, ResolvedPath, Verdict } from './types.js';

export interface EscalationSpec {
  to: EscalateTo;
  timeoutSec: number;
  onTimeout: 'deny' | 'allow';
}

export interface RateSpec {
  max: number;
  windowMs: number;
  beyond: 'deny' | 'escalate';
}

/** What one rule is judged against: one simple command of a Bash call, or the whole call for other tools. */
export interface Unit {
  /** Index into shell.commands, or undefined for a whole-call unit. */
  index: number | undefined;
  command: SimpleCommand | undefined;
  /** The rebuilt command line regexes see. */
  line: string;
  paths: ResolvedPath[];
}

export interface PathCondition {
  include: PathTest | null;
  exclude: PathTest | null;
  /** null = every access; "unknown" access always counts. */
  access: ReadonlySet<PathAccess> | null;
  /** any: some touched path matches (deny/escalate); all: every touched path matches (allow and exceptions). */
  quantifier: 'any' | 'all';
  globs: string[];
}

export interface CompiledRule {
  id: string;
  /** The layer's name (the file path, or "floor"). */
  layer: string;
  verdict: Verdict;
  reason: string;
  /** null = every tool. */
  tools: ToolMatcher | null;
  commands: CommandTest | null;
  /** The command names its command patterns can match (each an argv prefix with a fixed first word); null: any. */
  commandNames: ReadonlySet<string> | null;
  paths: PathCondition | null;
  when: CelProgram | null;
  /** Built-in matchers (the floor); returns why it matched, or null. */
  custom: ((call: CallInput, unit: Unit) => string | null) | null;
  overrides: readonly string[];
  rate: RateSpec | null;
  escalation: EscalationSpec;
}

export interface CompiledLayer {
  name: string;
  /** Content hash of the file (or the floor's configuration). */
  hash: string;
  isFloor: boolean;
  default: Verdict | undefined;
  unknown: 'escalate' | 'deny' | undefined;
  observe: boolean;
  rate: RateSpec | null;
  /** Set when the file has an `escalation:` block. */
  escalation: EscalationSpec | undefined;
  rules: CompiledRule[];
  tests: TestCaseDoc[];
}

export interface CompiledPolicy {
  layers: CompiledLayer[];
  /** All rules, floor first, then layers in order (the order of the trace). */
  rules: CompiledRule[];
  revision: string;
  default: Verdict;
  /** The layer the default came from ("built-in" when no layer sets one). */
  defaultFrom: string;
  unknown: 'escalate' | 'deny';
  observe: boolean;
  /** Escalation for default and unknown verdicts (the most specific layer that sets one). */
  escalation: EscalationSpec;
  /** Memo of rules that can match a tool name (a pure cache; filled on first use per tool). */
  byTool: Map<string, CompiledRule[]>;
  /** Memo of rules that can match a tool and then a command name (a pure cache, like byTool). */
  byCommand: Map<string, Map<string, CompiledRule[]>>;
}

export const DEFAULT_ESCALATION: EscalationSpec = { to: 'human', timeoutSec: 600, onTimeout: 'deny' };

const RANK: Record<Verdict, number> = { allow: 0, escalate: 1, deny: 2 };

// The stricter of two verdicts (deny > escalate > allow).
export function stricter(a: Verdict, b: Verdict): Verdict {
  return RANK[a] >= RANK[b] ? a : b;
}

// Compares verdicts by strictness.
export function rankOf(v: Verdict): number {
  return RANK[v];
}
