// Escalations to the worker's own confirmation dialog (PreToolUse `ask`): the person at the worker's screen
// answers there, and the supervisor learns the answer afterwards from signals verified on Claude Code 2.1.330:
//   - allowed: the PostToolUse (or PostToolUseFailure) event for that tool_use_id (async hook, spooled), or the
//     transcript's tool_result for it carrying permissionDecision {decision: "accept", reasonCode: "hook:PreToolUse"};
//   - refused (No or Esc): the transcript's tool_result for it with toolUseResult "User rejected tool use" and
//     toolDenialKind "user-rejected" (no PostToolUse, no Stop, and no PermissionDenied fire for it).
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
};

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
    const rejected = rec.toolDenialKind === 'user-rejected' || rec.toolUseResult === 'User rejected tool use';
    if (rejected)
      return {
        toolUseId: block.tool_use_id,
        outcome: { outcome: 'deny', signal: 'transcript', detail: 'user-rejected' },
      };
    const pd = rec.permissionDecision as { decision?: unknown } | undefined;
    if (pd?.decision === 'accept')
      return {
        toolUseId: block.tool_use_id,
        outcome: { outcome: 'allow', signal: 'transcript', detail: 'accept' },
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
