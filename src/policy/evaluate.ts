// Pure, synchronous evaluation: every rule against every unit; the strictest match wins; the trace keeps them all.
import { buildActivation, runCel, type CelActivation, type CelProgram } from './cel.js';
import { FALSE, TRUE, UNKNOWN } from './cel-decide.js';
import type { CompiledPolicy, CompiledRule, EscalationSpec, Unit } from './model.js';
import { rankOf, stricter } from './model.js';
import { writeReason } from './reason.js';
import type { CallInput, Decision, RateFacts, RuleMatch, Verdict } from './types.js';
import { splitUnits } from './units.js';

interface Match {
  rule: CompiledRule;
  verdict: Verdict;
  because: string[];
}

interface CelState {
  activation: CelActivation | undefined;
  commands: ReturnType<typeof buildActivation>['commands'];
}

interface Contribution {
  label: string;
  verdict: Verdict;
  reason: string;
  escalation: EscalationSpec;
  floor: boolean;
}

// Decides one call. Pure: the call, the rate counters and the time are all passed in.
export function evaluate(policy: CompiledPolicy, call: CallInput, rates: RateFacts): Decision {
  const { units, unknown } = splitUnits(call);
  const candidates = rulesFor(policy, call.tool);
  const cel: CelState = { activation: undefined, commands: [] };
  const rateMemo = new Map<CompiledRule, { verdict: Verdict; because: string }>();
  const rateKeys: string[] = [];
  const trace = new Map<CompiledRule | string, RuleMatch>();
  const found: Contribution[] = [];
  const seen = new Set<CompiledRule>();
  let usedDefault = false;

  for (const unit of units) {
    const matches: Match[] = [];
    const rules = unit.command
      ? rulesForCommand(policy, call.tool, candidates, unit.command.name)
      : candidates;
    for (const rule of rules) {
      const because = matchRule(rule, call, unit, cel);
      if (because)
        matches.push({ rule, verdict: applyRate(rule, call, rates, rateMemo, rateKeys, because), because });
    }
    const kept = dropOverridden(matches, trace);
    if (kept.length === 0) usedDefault = true;
    for (const m of kept) {
      addTrace(trace, m.rule, m.verdict, m.rule.reason, m.because);
      if (seen.has(m.rule)) continue;
      seen.add(m.rule);
      const reason = m.verdict === m.rule.verdict ? m.rule.reason : `${m.rule.reason} (rate limit reached)`;
      found.push({
        label: ruleLabel(m.rule),
        verdict: m.verdict,
        reason,
        escalation: m.rule.escalation,
        floor: m.rule.layer === 'floor',
      });
    }
  }
  for (const layer of policy.layers) {
    if (!layer.rate) continue;
    const key = `${call.worker}\u0000${layer.name}\u0000*`;
    rateKeys.push(key);
    if (rates.count(key, call.now - layer.rate.windowMs) >= layer.rate.max) {
      const why = `${layer.rate.max} calls in ${layer.rate.windowMs / 1000}s already (overall limit of ${layer.name})`;
      addTrace(trace, `rate:${layer.name}`, layer.rate.beyond, 'overall rate limit reached', [why]);
      found.push({
        label: `rate:${layer.name}`,
        verdict: layer.rate.beyond,
        reason: `rate limit reached: ${why}; wait before trying again`,
        escalation: policy.escalation,
        floor: false,
      });
    }
  }
  if (unknown.length > 0) {
    addTrace(trace, 'unknown', policy.unknown, 'part of the call could not be judged', unknown);
    const reason = `toolgate could not judge part of this call (${unknown[0] ?? ''}); write it plainly, one simple command at a time`;
    found.push({
      label: 'unknown',
      verdict: policy.unknown,
      reason,
      escalation: policy.escalation,
      floor: false,
    });
  }
  if (usedDefault) {
    const reason = `no rule matched; the default is ${policy.default}`;
    addTrace(trace, 'default', policy.default, reason, [`default from ${policy.defaultFrom}`]);
    found.push({
      label: 'default',
      verdict: policy.default,
      reason,
      escalation: policy.escalation,
      floor: false,
    });
  }
  let top = found[0] as Contribution;
  for (const c of found) if (rankOf(c.verdict) > rankOf(top.verdict)) top = c;
  const decision: Decision = {
    verdict: top.verdict,
    rule: top.label,
    reason: writeReason(top.verdict, call, top.label, top.reason),
    trace: [...trace.values()],
    revision: policy.revision,
    observe: policy.observe && !top.floor,
    rateKeys,
  };
  if (top.verdict === 'escalate')
    decision.escalation = mergeEscalation(
      found.filter((c) => c.verdict === 'escalate').map((c) => c.escalation),
    );
  return decision;
}

function ruleLabel(rule: CompiledRule): string {
  return rule.layer === 'floor' ? `floor:${rule.id}` : rule.id;
}

function addTrace(
  trace: Map<CompiledRule | string, RuleMatch>,
  key: CompiledRule | string,
  verdict: Verdict,
  reason: string,
  because: string[],
): void {
  const existing = trace.get(key);
  if (existing) {
    for (const b of because) if (!existing.because.includes(b)) existing.because.push(b);
    existing.verdict = stricter(existing.verdict, verdict);
    return;
  }
  const rule = typeof key === 'string' ? key : ruleLabel(key);
  const layer = typeof key === 'string' ? 'engine' : key.layer;
  trace.set(key, { rule, layer, verdict, reason, because: [...because] });
}

// Exceptions: a matching rule with `overrides` removes those rules' matches (same layer, same unit).
function dropOverridden(matches: Match[], trace: Map<CompiledRule | string, RuleMatch>): Match[] {
  if (matches.length < 2) return matches;
  const lifted = new Set<string>();
  for (const m of matches) for (const id of m.rule.overrides) lifted.add(`${m.rule.layer}\u0000${id}`);
  if (lifted.size === 0) return matches;
  return matches.filter((m) => {
    if (!lifted.has(`${m.rule.layer}\u0000${m.rule.id}`)) return true;
    const by = matches.find((x) => x.rule.layer === m.rule.layer && x.rule.overrides.includes(m.rule.id));
    addTrace(trace, `lifted:${m.rule.layer}:${m.rule.id}`, m.verdict, m.rule.reason, [
      ...m.because,
      `lifted by exception ${by?.rule.id ?? '?'}`,
    ]);
    return false;
  });
}

// Rules that can match a tool, in trace order; memoised per tool name (a cache of a pure function).
function rulesFor(policy: CompiledPolicy, tool: string): CompiledRule[] {
  let list = policy.byTool.get(tool);
  if (!list) {
    list = policy.rules.filter((r) => r.tools === null || r.tools(tool));
    if (policy.byTool.size < 10_000) policy.byTool.set(tool, list);
  }
  return list;
}

// Of the rules for a tool, those whose command patterns can match a command name (same order); memoised like rulesFor.
function rulesForCommand(
  policy: CompiledPolicy,
  tool: string,
  candidates: CompiledRule[],
  name: string,
): CompiledRule[] {
  let byName = policy.byCommand.get(tool);
  if (!byName) {
    byName = new Map();
    if (policy.byCommand.size < 1_000) policy.byCommand.set(tool, byName);
  }
  let list = byName.get(name);
  if (!list) {
    list = candidates.filter((r) => r.commandNames === null || r.commandNames.has(name));
    if (byName.size < 10_000) byName.set(name, list);
  }
  return list;
}

// Returns why the rule matched this unit, or null; cheap conditions first, CEL last (nothing is allocated for a miss).
function matchRule(rule: CompiledRule, call: CallInput, unit: Unit, cel: CelState): string[] | null {
  let byCommand: string | null = null;
  let byPath: string | null = null;
  let byCustom: string | null = null;
  if (rule.commands) {
    if (!unit.command) return null;
    byCommand = rule.commands(unit.command, unit.line);
    if (!byCommand) return null;
  }
  if (rule.paths) {
    byPath = matchPaths(rule, call, unit);
    if (!byPath) return null;
  }
  if (rule.custom) {
    byCustom = rule.custom(call, unit);
    if (!byCustom) return null;
  }
  let byCondition: string | null = null;
  if (rule.when) {
    // Exact shortcut: forms read in plain JavaScript answer as cel-js would; the rest runs in cel-js.
    const known = rule.when.decide ? rule.when.decide(call, unit.command) : UNKNOWN;
    if (known === FALSE) return null;
    if (known === TRUE) byCondition = `condition ${clip(rule.when.source)} is true`;
    else {
      if (!cel.activation) {
        const built = buildActivation(call);
        cel.activation = built.base;
        cel.commands = built.commands;
      }
      byCondition = runCondition(rule, rule.when, cel, unit);
      if (!byCondition) return null;
    }
  }
  const because: string[] = [];
  if (byCommand) because.push(byCommand);
  if (byPath) because.push(byPath);
  if (byCustom) because.push(byCustom);
  if (byCondition) because.push(byCondition);
  if (because.length === 0) because.push(`tool ${call.tool}`);
  return because;
}

// Runs a condition in cel-js: why it holds, or null. Fail closed: a condition that errors never allows, and makes
// deny/escalate rules match.
function runCondition(rule: CompiledRule, when: CelProgram, cel: CelState, unit: Unit): string | null {
  try {
    if (!runCel(when, cel.activation as CelActivation, unit.index, cel.commands)) return null;
    return `condition ${clip(when.source)} is true`;
  } catch (e) {
    if (rule.verdict === 'allow' || rule.overrides.length > 0) return null;
    return `condition ${clip(when.source)} failed (${clip((e as Error).message.split('\n')[0] ?? '')}); treated as matched`;
  }
}

function matchPaths(rule: CompiledRule, call: CallInput, unit: Unit): string | null {
  const cond = rule.paths;
  if (!cond) return null;
  let count = 0;
  let last = '';
  for (const p of unit.paths) {
    if (cond.access && p.access !== 'unknown' && !cond.access.has(p.access)) continue;
    count++;
    // A path holding an expansion is a guess: it never satisfies an allow rule or an exception.
    if (cond.quantifier === 'all' && p.dynamic === 'expansion') return null;
    const ok =
      (!cond.include || cond.include(p.path, call.cwd, call.home)) &&
      !(cond.exclude && cond.exclude(p.path, call.cwd, call.home));
    if (ok && cond.quantifier === 'any')
      return `path ${p.path} (${p.access}) matched [${cond.globs.join(', ')}]`;
    if (!ok && cond.quantifier === 'all') return null;
    last = p.path;
  }
  if (cond.quantifier === 'all' && count > 0)
    return count === 1
      ? `path ${last} matched [${cond.globs.join(', ')}]`
      : `all ${count} paths matched [${cond.globs.join(', ')}]`;
  return null;
}

// Applies a rule's rate limit: beyond it, the rule's verdict becomes at least `beyond`.
function applyRate(
  rule: CompiledRule,
  call: CallInput,
  rates: RateFacts,
  memo: Map<CompiledRule, { verdict: Verdict; because: string }>,
  keys: string[],
  because: string[],
): Verdict {
  if (!rule.rate) return rule.verdict;
  let r = memo.get(rule);
  if (!r) {
    const key = `${call.worker}\u0000${rule.layer}\u0000${rule.id}`;
    keys.push(key);
    const n = rates.count(key, call.now - rule.rate.windowMs);
    r =
      n >= rule.rate.max
        ? {
            verdict: stricter(rule.verdict, rule.rate.beyond),
            because: `rate limit reached: ${n} of at most ${rule.rate.max} calls in ${rule.rate.windowMs / 1000}s`,
          }
        : { verdict: rule.verdict, because: '' };
    memo.set(rule, r);
  }
  if (r.because) because.push(r.because);
  return r.verdict;
}

// Several escalations: a person over the dialog, the shortest timeout, deny on timeout if any says so.
function mergeEscalation(all: EscalationSpec[]): EscalationSpec {
  return {
    to: all.some((s) => s.to === 'human') ? 'human' : 'dialog',
    timeoutSec: Math.min(...all.map((s) => s.timeoutSec)),
    onTimeout: all.some((s) => s.onTimeout === 'deny') ? 'deny' : 'allow',
  };
}

function clip(s: string): string {
  return s.length > 100 ? s.slice(0, 97) + '...' : s;
}
