// Turns zod issues into located diagnostics with what was expected and a hint.
import type { z } from 'zod';
import type { Diagnostic } from './diagnostics.js';
import { report } from './compile-rule.js';
import type { SourceFile } from './source.js';

type Issue = z.core.$ZodIssue;

// Reports every issue of a failed parse (union issues are narrowed to the branch that got furthest).
export function reportZodIssues(
  issues: readonly Issue[],
  src: SourceFile,
  diagnostics: Diagnostic[],
  prefix: PropertyKey[] = [],
): void {
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const best = pickBranch(issue.errors);
      if (best && best.some((i) => i.path.length > 0)) {
        reportZodIssues(best, src, diagnostics, path);
        continue;
      }
    }
    const ctx = { src, diagnostics };
    const field = path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        report(ctx, 'SCHEMA', [...field, key], `unknown field "${key}"`, {
          hint: 'check the spelling; see policies/policy.schema.json for the fields',
        });
      }
      continue;
    }
    report(ctx, 'SCHEMA', field, cleanMessage(issue.message), {
      expected: expectedOf(issue),
      hint: hintOf(issue),
    });
  }
}

function pickBranch(branches: Issue[][]): Issue[] | undefined {
  let best: Issue[] | undefined;
  let depth = -1;
  for (const b of branches) {
    const d = Math.max(...b.map((i) => i.path.length));
    if (d > depth) {
      depth = d;
      best = b;
    }
  }
  return best;
}

function cleanMessage(m: string): string {
  return m.replace(/^Invalid input: /, '');
}

function expectedOf(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected;
    case 'invalid_value':
      return issue.values.map((v) => JSON.stringify(v)).join(' | ');
    case 'too_small':
      return `at least ${String(issue.minimum)}`;
    case 'too_big':
      return `at most ${String(issue.maximum)}`;
    case 'invalid_union':
      return 'one of the allowed forms';
    default:
      return undefined;
  }
}

function hintOf(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'this field is required' : `write a ${issue.expected}`;
    case 'invalid_value':
      return 'use one of the listed values';
    case 'invalid_format':
      return 'see the format in docs/policy-language.md';
    default:
      return 'see docs/policy-language.md';
  }
}
