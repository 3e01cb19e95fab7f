// toolgate pending: the tool calls waiting for a decision now, with what the escalated ones wait for.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from '../args.js';
import { println, type Command } from '../command.js';
import { existingState, type StatePaths } from '../../core/state.js';
import { readJsonFile } from '../../core/fsx.js';
import { classifyQueueFile, type Pending } from '../../gate/protocol.js';

export interface PendingRow {
  call: string;
  worker: string;
  worker_id: string;
  tool: string;
  summary: string;
  escalated: boolean;
  rule?: string;
  reason?: string;
  age_s: number;
  deadline?: string;
}

interface PublishedEscalation {
  call: string;
  rule: string;
  reason: string;
  deadline: string;
}

// A one-line readable summary of a tool input (the command, the path, or compact JSON), cut to `max`.
export function summarizeInput(tool: string, input: Record<string, unknown>, max = 100): string {
  const pick = tool === 'Bash' ? input.command : (input.file_path ?? input.notebook_path ?? input.url ?? input.pattern ?? input.prompt);
  const text = typeof pick === 'string' ? pick : JSON.stringify(input);
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

// Every call that waits for a decision now, oldest first.
export function pendingRows(s: StatePaths, now = Date.now()): PendingRow[] {
  const escalations = new Map((readJsonFile<PublishedEscalation[]>(s.escalations) ?? []).map((e) => [e.call, e]));
  const rows: PendingRow[] = [];
  let names: string[] = [];
  try {
    names = fs.readdirSync(s.queue);
  } catch {
    /* no queue yet */
  }
  for (const name of names) {
    const entry = classifyQueueFile(name);
    if (entry?.kind !== 'pending') continue;
    const p = readJsonFile<Pending>(path.join(s.queue, name));
    if (!p?.payload) continue;
    const esc = escalations.get(entry.callId);
    rows.push({
      call: entry.callId,
      worker: p.worker,
      worker_id: p.worker_id,
      tool: p.payload.tool_name,
      summary: summarizeInput(p.payload.tool_name, p.payload.tool_input),
      escalated: !!esc,
      ...(esc ? { rule: esc.rule, reason: esc.reason, deadline: esc.deadline } : {}),
      age_s: Math.max(0, Math.round((now - p.ts_us / 1000) / 1000)),
    });
  }
  return rows.sort((a, b) => b.age_s - a.age_s);
}

export const pendingCommand: Command = {
  name: 'pending',
  summary: 'list tool calls waiting for a decision (escalations first)',
  help: `usage: toolgate pending [--json]

Lists every tool call that waits for a decision: worker, tool, a readable summary of the input, and for calls a
policy escalated to a person the rule, its reason, the age and the deadline. Decide one with
\`toolgate approve CALL allow|deny\`.
exit status: 0 ok; 1 failure; 2 usage error.`,
  async run(ctx) {
    const { values } = parse('pending', ctx.argv, { json: { type: 'boolean', default: false } }, false);
    const rows = pendingRows(existingState(ctx.env));
    if (values.json) {
      println(ctx.stdout, JSON.stringify(rows, null, 2));
      return 0;
    }
    if (!rows.length) {
      println(ctx.stderr, 'No calls are waiting for a decision');
      return 0;
    }
    for (const r of rows) {
      println(ctx.stdout, `${r.call}  ${r.worker}  ${r.tool}  ${r.summary}`);
      if (r.escalated) println(ctx.stdout, `    rule ${r.rule}: ${r.reason}  (waiting ${r.age_s}s, deadline ${r.deadline})`);
      else println(ctx.stdout, `    being decided (${r.age_s}s)`);
    }
    return 0;
  },
};
