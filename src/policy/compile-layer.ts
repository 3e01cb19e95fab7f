// Compiles one parsed policy file into a layer: schema, rules, exceptions, dead and shadowed rules.
import { createHash } from 'node:crypto';
import type { Diagnostic } from './diagnostics.js';
import { report, compileRule, toEscalation, toRate } from './compile-rule.js';
import type { CompiledLayer, CompiledRule } from './model.js';
import { DEFAULT_ESCALATION, rankOf } from './model.js';
import { policyOuterSchema, ruleSchema, testCaseSchema, type RuleDoc } from './schema.js';
import type { z } from 'zod';
import type { SourceFile } from './source.js';
import { KNOWN_TOOLS, compileToolMatcher } from './tools.js';
import { reportZodIssues } from './zod-issues.js';

// Validates and compiles a parsed file; `layer` is undefined when the file has an error.
export function compileLayer(src: SourceFile): { layer?: CompiledLayer; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [...src.diagnostics];
  if (src.data === undefined) return { diagnostics };
  const outer = policyOuterSchema.safeParse(src.data ?? {});
  if (!outer.success) reportZodIssues(outer.error.issues, src, diagnostics);
  const raw = (src.data ?? {}) as { rules?: unknown; tests?: unknown };
  const ruleDocs = validateEach(raw.rules, ruleSchema, 'rules', src, diagnostics);
  const testDocs = validateEach(raw.tests, testCaseSchema, 'tests', src, diagnostics);
  if (!outer.success) return { diagnostics };
  const doc = { ...outer.data, rules: ruleDocs, tests: testDocs.filter((t) => t !== undefined) };
  const knownTools = [...KNOWN_TOOLS, ...(doc.extra_tools ?? [])];
  const escalation = toEscalation(doc.escalation, DEFAULT_ESCALATION);
  const ctx = { src, layer: src.file, knownTools, escalation, diagnostics };
  checkIds(doc, ctx);
  const rules: CompiledRule[] = [];
  doc.rules.forEach((r, i) => {
    if (!r) return;
    const compiled = compileRule(r, i, ctx);
    if (compiled) rules.push(compiled);
  });
  checkDeadRules(doc.rules, rules, ctx);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const layer: CompiledLayer = {
    name: src.file,
    hash: createHash('sha256').update(src.text).digest('hex'),
    isFloor: false,
    default: doc.default,
    unknown: doc.unknown,
    observe: doc.mode === 'observe',
    rate: toRate(doc.rate),
    escalation: doc.escalation ? escalation : undefined,
    rules,
    tests: doc.tests ?? [],
  };
  return { layer, diagnostics };
}

type Slots = (RuleDoc | undefined)[];

// Position of the compiled rule for slot i (rules compile in slot order, skipping holes and failures).
function ruleIndex(rules: CompiledRule[], docs: Slots, i: number): number {
  return rules.findIndex((r) => r.id === docs[i]?.id);
}

type Ctx = { src: SourceFile; diagnostics: Diagnostic[]; knownTools: readonly string[] };

// Ids are unique in a file, and `overrides` names a stricter rule of the same file.
function checkIds(doc: { rules: Slots }, ctx: Ctx): void {
  const seen = new Map<string, number>();
  doc.rules.forEach((r, i) => {
    if (!r) return;
    const first = seen.get(r.id);
    if (first !== undefined)
      report(
        ctx,
        'DUPLICATE_ID',
        ['rules', i, 'id'],
        `rule id "${r.id}" is already used by rules[${first}]`,
        { hint: 'give every rule its own id' },
      );
    else seen.set(r.id, i);
  });
  doc.rules.forEach((r, i) => {
    if (!r) return;
    r.overrides?.forEach((target, j) => {
      const ti = seen.get(target);
      const where = ['rules', i, 'overrides', j];
      if (ti === undefined) {
        report(ctx, 'UNKNOWN_RULE', where, `no rule "${target}" in this file`, {
          hint: 'an exception can only override a rule of the same file',
        });
      } else if (rankOf((doc.rules[ti] as RuleDoc).decision) <= rankOf(r.decision)) {
        report(ctx, 'OVERRIDE_INVALID', where, `"${target}" is not stricter than this rule`, {
          hint: 'an exception carves a less strict verdict out of a stricter rule (e.g. allow under a deny)',
        });
      }
    });
  });
}

// Warns about rules that can never decide: no tool in scope, constant-false condition, or shadowed by a stricter rule.
function checkDeadRules(docs: Slots, rules: CompiledRule[], ctx: Ctx): void {
  const byId = new Map(rules.map((r) => [r.id, r]));
  docs.forEach((d, i) => {
    const r = d && byId.get(d.id);
    if (!d || !r || r.id !== d.id || rules.indexOf(r) !== ruleIndex(rules, docs, i)) return;
    const warn = (msg: string, hint: string, path: (string | number)[] = ['rules', i]) =>
      report(ctx, 'DEAD_RULE', path, msg, { severity: 'warning', hint });
    if (r.when?.constantFalse)
      warn('the condition is always false', 'remove the rule or fix the condition', ['rules', i, 'when']);
    if (r.commands && r.tools && !r.tools('Bash'))
      warn('commands only exist in Bash calls, but the rule does not apply to Bash', 'add Bash to tools');
    const shadow = findShadow(d, i, docs);
    if (shadow !== undefined) {
      report(
        ctx,
        'SHADOWED_RULE',
        ['rules', i],
        `every call this rule matches is also matched by the stricter rule "${docs[shadow]?.id}"`,
        {
          severity: 'warning',
          hint: 'remove it, or make it an exception with overrides: [' + (docs[shadow]?.id ?? '') + ']',
        },
      );
    }
  });
}

// A stricter rule with no other condition than a tool scope covering this rule's tools shadows it.
function findShadow(rule: RuleDoc, index: number, docs: Slots): number | undefined {
  const mine = toolsOf(rule);
  for (let j = 0; j < docs.length; j++) {
    const other = docs[j];
    if (
      !other ||
      j === index ||
      rankOf(other.decision) <= rankOf(rule.decision) ||
      rule.overrides?.includes(other.id)
    )
      continue;
    if (other.when || other.rate || other.paths || other.paths_not || other.access) continue;
    if (other.commands && JSON.stringify(other.commands) !== JSON.stringify(rule.commands)) continue;
    const theirs = toolsOf(other);
    if (theirs === null) return j;
    if (mine === null) continue;
    const m = compileToolMatcher(theirs);
    const covered = mine.every((t) => m(t));
    if (covered && !(rule.commands === undefined && other.commands !== undefined)) return j;
  }
  return undefined;
}

function toolsOf(r: RuleDoc): string[] | null {
  if (r.tools !== undefined) return typeof r.tools === 'string' ? [r.tools] : r.tools;
  if (r.commands) return ['Bash'];
  return null;
}

// Validates each element of a list on its own (so one bad rule does not hide the others' problems).
// Keeps positions: an invalid element leaves a hole, so later diagnostics still name the right index.
function validateEach<T>(
  list: unknown,
  schema: z.ZodType<T>,
  key: string,
  src: SourceFile,
  diagnostics: Diagnostic[],
): (T | undefined)[] {
  if (!Array.isArray(list)) return [];
  return list.map((item, i) => {
    const r = schema.safeParse(item);
    if (r.success) return r.data;
    reportZodIssues(r.error.issues, src, diagnostics, [key, i]);
    return undefined;
  });
}
