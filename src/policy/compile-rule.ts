// Compiles one rule of a validated policy file, reporting every problem it finds as a diagnostic.
import type { PathAccess } from '../shell/types.js';
import { compileCel } from './cel.js';
import type { Diagnostic, DiagnosticCode } from './diagnostics.js';
import { formatFieldPath } from './diagnostics.js';
import { compileCommandPatterns, prefixWords } from './match-command.js';
import { compilePathGlobs, splitGlob } from './match-path.js';
import type { CompiledRule, EscalationSpec, RateSpec } from './model.js';
import { checkRegexSafety } from './regex-safety.js';
import type { CommandPatternDoc, EscalationDoc, RateDoc, RuleDoc } from './schema.js';
import { toMillis } from './schema.js';
import type { SourceFile } from './source.js';
import { compileToolMatcher, FILE_TOOLS, isMcpPattern, suggestTool } from './tools.js';

export interface RuleContext {
  src: SourceFile;
  layer: string;
  knownTools: readonly string[];
  escalation: EscalationSpec;
  diagnostics: Diagnostic[];
}

// Adds a diagnostic located at a field path of the file.
export function report(
  ctx: { src: SourceFile; diagnostics: Diagnostic[] },
  code: DiagnosticCode,
  path: (string | number)[],
  message: string,
  extra: { hint?: string; expected?: string; severity?: 'error' | 'warning'; offset?: number } = {},
): void {
  const pos = extra.offset === undefined ? ctx.src.locate(path) : ctx.src.locateInScalar(path, extra.offset);
  ctx.diagnostics.push({
    severity: extra.severity ?? 'error',
    code,
    message,
    file: ctx.src.file,
    line: pos.line,
    col: pos.col,
    path: formatFieldPath(path),
    ...(extra.expected ? { expected: extra.expected } : {}),
    ...(extra.hint ? { hint: extra.hint } : {}),
  });
}

// Turns an escalation block into a full spec on top of the inherited one.
export function toEscalation(doc: EscalationDoc | undefined, base: EscalationSpec): EscalationSpec {
  if (!doc) return base;
  return {
    to: doc.to ?? base.to,
    timeoutSec: doc.timeout === undefined ? base.timeoutSec : toMillis(doc.timeout) / 1000,
    onTimeout: doc.on_timeout ?? base.onTimeout,
  };
}

// Turns a rate block into milliseconds.
export function toRate(doc: RateDoc | undefined): RateSpec | null {
  return doc ? { max: doc.max, windowMs: toMillis(doc.window), beyond: doc.beyond } : null;
}

// Compiles one rule; returns undefined when it has an error (the diagnostics say why).
export function compileRule(rule: RuleDoc, index: number, ctx: RuleContext): CompiledRule | undefined {
  const at = (...p: (string | number)[]) => ['rules', index, ...p];
  const before = ctx.diagnostics.filter((d) => d.severity === 'error').length;
  const toolList =
    rule.tools === undefined ? undefined : typeof rule.tools === 'string' ? [rule.tools] : rule.tools;
  toolList?.forEach((t, i) =>
    checkToolPattern(
      t,
      rule.tools === undefined || typeof rule.tools === 'string' ? at('tools') : at('tools', i),
      ctx,
    ),
  );
  rule.commands?.forEach((p, i) => {
    if (prefixWords(p)) return;
    const source = (p as { regex: string }).regex;
    const safety = checkRegexSafety(source);
    if (!safety.ok) {
      const code = safety.message.startsWith('invalid regex') ? 'REGEX_INVALID' : 'REGEX_UNSAFE';
      report(ctx, code, at('commands', i, typeof p === 'string' ? 0 : 'regex'), safety.message, {
        hint: safety.hint,
        expected: 'a regex without nested or alternated repeats or backreferences',
      });
    }
  });
  for (const key of ['paths', 'paths_not'] as const) {
    rule[key]?.forEach((g, i) => {
      const s = splitGlob(g);
      if ('error' in s)
        report(ctx, 'GLOB_INVALID', at(key, i), `"${g}": ${s.error}`, {
          hint: `e.g. **/${g} (anywhere) or \${cwd}/${g} (the workspace)`,
        });
    });
  }
  let when = null;
  if (rule.when !== undefined) {
    const r = compileCel(rule.when);
    if (r.error) {
      report(ctx, r.error.code, at('when'), r.error.message, {
        hint: r.error.hint,
        expected: 'a CEL expression returning bool',
        offset: r.error.offset,
      });
    } else when = r.program ?? null;
  }
  if (ctx.diagnostics.filter((d) => d.severity === 'error').length > before) return undefined;
  const pathsGiven = rule.paths !== undefined || rule.paths_not !== undefined || rule.access !== undefined;
  const exception = (rule.overrides?.length ?? 0) > 0;
  return {
    id: rule.id,
    layer: ctx.layer,
    verdict: rule.decision,
    reason: rule.reason,
    tools: toolList
      ? compileToolMatcher(toolList)
      : defaultToolScope(rule.commands !== undefined, pathsGiven),
    commands: rule.commands ? compileCommandPatterns(rule.commands) : null,
    commandNames: rule.commands ? commandNames(rule.commands) : null,
    paths: pathsGiven
      ? {
          include: rule.paths ? compilePathGlobs(rule.paths) : null,
          exclude: rule.paths_not ? compilePathGlobs(rule.paths_not) : null,
          access: rule.access ? new Set<PathAccess>(rule.access) : null,
          quantifier: rule.decision === 'allow' || exception ? 'all' : 'any',
          globs: [...(rule.paths ?? []), ...(rule.paths_not ?? []).map((g) => `!${g}`)],
        }
      : null,
    when,
    custom: null,
    overrides: rule.overrides ?? [],
    rate: toRate(rule.rate),
    escalation: toEscalation(rule.escalate, ctx.escalation),
  };
}

// The command names a rule's patterns can match: the first words of its argv prefixes, or null when any pattern is a
// regex or starts with "*".
function commandNames(patterns: readonly CommandPatternDoc[]): ReadonlySet<string> | null {
  const names = new Set<string>();
  for (const p of patterns) {
    const head = prefixWords(p)?.[0];
    if (typeof head !== 'string' || head === '*') return null;
    names.add(head);
  }
  return names;
}

// Without `tools:`, a rule with commands applies to Bash, one with paths to the file tools and Bash, else to all.
function defaultToolScope(hasCommands: boolean, hasPaths: boolean) {
  if (hasCommands) return compileToolMatcher(['Bash']);
  if (hasPaths) return compileToolMatcher(['Bash', ...Object.keys(FILE_TOOLS)]);
  return null;
}

function checkToolPattern(pattern: string, path: (string | number)[], ctx: RuleContext): void {
  if (isMcpPattern(pattern)) return;
  const matcher = compileToolMatcher([pattern]);
  if (ctx.knownTools.some((t) => matcher(t))) return;
  const guess = suggestTool(pattern, ctx.knownTools);
  report(ctx, 'UNKNOWN_TOOL', path, `no known tool matches "${pattern}"`, {
    expected: 'a Claude Code tool name, a glob over them, or mcp__server__tool',
    hint: guess
      ? `did you mean "${guess}"? (a new tool can be declared in extra_tools)`
      : 'declare new tools in extra_tools',
  });
}
