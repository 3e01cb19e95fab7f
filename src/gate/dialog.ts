// Escalations to the worker's own confirmation dialog (PreToolUse `ask`): the person at the worker's screen
// answers there, and the supervisor learns the answer afterwards from the worker's transcript (the plugin has no
// PostToolUse hook; signals verified on Claude Code 2.1.330):
//   - allowed: the transcript's tool_result for that tool_use_id carrying permissionDecision {decision: "accept",
//     source: "user_temporary", reasonCode: "hook:PreToolUse"};
//   - refused (No or Esc): the transcript's tool_result for it with toolUseResult "User rejected tool use" and
//     toolDenialKind "user-rejected" (no PostToolUse, no Stop, and no PermissionDenied fire for it).
// permissionDecision.source says who decided: `user_*` (user_temporary, user_permanent, user_reject, user_abort) is
// a person; anything else (config, hook, classifier, ...) is Claude Code itself. A headless worker (`claude -p`)
// writes the same "user-rejected" record with source "config" when it treats `ask` as a deny: nobody answered, so
// that is recorded as decided_by policy, not as a person. A record without a source (older versions) counts as a
// person's answer.
// PermissionRequest carries no tool_use_id, so it cannot be tied to the call and is not used.

export interface OpenDialog {
  callId: string;
  worker: string;
  worker_id: string;
  session_id: string;
  tool_use_id: string;
  tool: string;
  rule: string;
  openedAt: number;
  transcript?: string;
}

export type DialogOutcome = {
  outcome: 'allow' | 'deny';
  signal: 'post_tool_use' | 'transcript';
  detail?: string;
  /** Who answered: a person at the worker's screen (default), or Claude Code without asking anyone (`policy`). */
  decidedBy?: 'person' | 'policy';
};

/** The detail recorded when a headless worker (`claude -p`) refused a call because it cannot ask anyone. */
export const HEADLESS_DENY = 'headless: ask treated as deny';

// Whether a transcript permissionDecision was made by Claude Code itself, not by a person: its `source` is set and
// is not one of the `user_*` sources. Returns the detail to record, or undefined for a person's answer.
function noPerson(pd: { source?: unknown } | undefined): string | undefined {
  const source = pd?.source;
  if (typeof source !== 'string' || source === '' || source.startsWith('user')) return undefined;
  return source === 'config' ? HEADLESS_DENY : `no person answered (source ${source})`;
}

/** What one transcript line says about a tool_use_id's dialog, if anything. */
export function outcomeFromTranscriptLine(
  line: string,
  toolUseIds: ReadonlySet<string>,
): { toolUseId: string; outcome: DialogOutcome } | undefined {
  if (!line.includes('tool_result')) return undefined;
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (rec.type !== 'user') return undefined;
  const content = (rec.message as { content?: unknown } | undefined)?.content;
  if (!Array.isArray(content)) return undefined;
  for (const block of content as Array<Record<string, unknown>>) {
    if (
      block?.type !== 'tool_result' ||
      typeof block.tool_use_id !== 'string' ||
      !toolUseIds.has(block.tool_use_id)
    )
      continue;
    const pd = rec.permissionDecision as { decision?: unknown; source?: unknown } | undefined;
    const machine = noPerson(pd);
    const by = machine ? { decidedBy: 'policy' as const, detail: machine } : undefined;
    const rejected = rec.toolDenialKind === 'user-rejected' || rec.toolUseResult === 'User rejected tool use';
    if (rejected)
      return {
        toolUseId: block.tool_use_id,
        outcome: { outcome: 'deny', signal: 'transcript', detail: 'user-rejected', ...by },
      };
    if (pd?.decision === 'accept')
      return {
        toolUseId: block.tool_use_id,
        outcome: { outcome: 'allow', signal: 'transcript', detail: 'accept', ...by },
      };
    // A result without either mark: the tool ran unless it is an error the tool never got to (then: refused).
    return {
      toolUseId: block.tool_use_id,
      outcome:
        block.is_error === true && rec.toolUseResult === undefined
          ? { outcome: 'deny', signal: 'transcript', detail: 'error before run' }
          : { outcome: 'allow', signal: 'transcript', detail: 'tool result' },
    };
  }
  return undefined;
}
