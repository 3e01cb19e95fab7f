// The tool input as the audit trail keeps it: secrets redacted, long contents cut with their hash.
import { redactInput } from '../audit/index.js';
import type { Decision } from '../policy/types.js';

export function redactSummary(
  tool: string,
  input: Record<string, unknown>,
): {
  input: Record<string, unknown>;
  redacted?: string[];
  truncated?: { path: string; bytes: number; sha256: string }[];
} {
  const r = redactInput(tool, input);
  return {
    input: r.input as Record<string, unknown>,
    ...(r.redacted.length ? { redacted: r.redacted } : {}),
    ...(r.truncated.length ? { truncated: r.truncated } : {}),
  };
}

// The simple command the deciding rule matched, as its name and first argument (`rm -rf` for
// `cd /x && rm -rf /y`), read from that rule's trace entry (`command "rm -rf /y" matched prefix [rm]`, see
// src/policy/match-command.ts). Undefined when the deciding rule did not match a command (paths, default, grants).
export function decidingCommandHead(decision: Pick<Decision, 'rule' | 'trace'>): string | undefined {
  const t = decision.trace.find((m) => m.rule === decision.rule);
  for (const b of t?.because ?? []) {
    const m = /^command "(.*)" matched /s.exec(b);
    const head = m?.[1]?.trim().split(/\s+/).slice(0, 2).join(' ');
    if (head) return head;
  }
  return undefined;
}
