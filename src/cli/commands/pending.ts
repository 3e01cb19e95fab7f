// toolgate pending: the tool calls waiting for a decision now, with what the escalated ones wait for.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from '../args.js';
import { println, type Command, type CommandContext } from '../command.js';
import { existingState, type StatePaths } from '../../core/state.js';
import { readJsonFile } from '../../core/fsx.js';
import { classifyQueueFile, type Pending } from '../../gate/protocol.js';
import { lockdownWhy, readLockdown } from '../../gate/lockdown.js';
import { watchFile } from '../../workers/file-watch.js';
import { grantLine, liveGrants } from './grants.js';
import { redactInput, redactRecord, redactText } from '../../audit/index.js';

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
  const pick =
    tool === 'Bash'
      ? input.command
      : (input.file_path ?? input.notebook_path ?? input.url ?? input.pattern ?? input.prompt);
  const text = typeof pick === 'string' ? pick : JSON.stringify(input);
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

// Every call that waits for a decision now, oldest first. Redacted like the audit trail (also what `approve`
// prints): the input by redactInput, the reason (which quotes the command) and the rest by redactRecord.
export function pendingRows(s: StatePaths, now = Date.now()): PendingRow[] {
  const escalations = new Map(
    (readJsonFile<PublishedEscalation[]>(s.escalations) ?? []).map((e) => [e.call, e]),
  );
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
    const tool = p.payload.tool_name;
    rows.push(
      redactRecord({
        call: entry.callId,
        worker: p.worker,
        worker_id: p.worker_id,
        tool,
        summary: summarizeInput(tool, redactInput(tool, p.payload.tool_input ?? {}).input),
        escalated: !!esc,
        ...(esc ? { rule: esc.rule, reason: esc.reason, deadline: esc.deadline } : {}),
        age_s: Math.max(0, Math.round((now - p.ts_us / 1000) / 1000)),
      }),
    );
  }
  return rows.sort((a, b) => b.age_s - a.age_s);
}

/** What a running supervisor publishes in supervisor.json besides its pid. */
interface PublishedInfo {
  problems?: string[];
}

// Problems the supervisor published (policy files that fail to load, an unusable grants or lockdown file).
export function supervisorProblems(s: StatePaths): string[] {
  return readJsonFile<PublishedInfo>(s.supervisorJson)?.problems ?? [];
}

// Everything the person at the console should see now, as lines.
function render(s: StatePaths, rows: PendingRow[], now = Date.now()): { lines: string[]; empty: boolean } {
  const lines: string[] = [];
  const l = readLockdown(s.lockdown);
  if (l.error) lines.push(`LOCKDOWN: every worker (${l.error})`);
  else if (l.all) lines.push(`LOCKDOWN: every worker${l.reason ? ` (${l.reason})` : ''}`);
  else
    for (const w of l.workers) {
      const why = lockdownWhy(l, w);
      lines.push(`LOCKDOWN: ${l.names[w] ?? w}${why ? ` (${why})` : ''}`);
    }
  for (const p of supervisorProblems(s)) lines.push(`problem: ${p}`);
  for (const r of rows) {
    lines.push(`${r.call}  ${r.worker}  ${r.tool}  ${r.summary}`);
    if (r.escalated)
      lines.push(`    rule ${r.rule}: ${r.reason}  (waiting ${r.age_s}s, deadline ${r.deadline})`);
    else lines.push(`    being decided (${r.age_s}s)`);
  }
  const { grants, error } = liveGrants(s, now);
  if (error) lines.push(`problem: ${error}`);
  if (grants.length) {
    lines.push(`grants in force (revoke with \`toolgate grants revoke ID\`):`);
    for (const g of grants) lines.push(`    ${redactText(grantLine(g, now), true).text}`);
  }
  return { lines, empty: rows.length === 0 };
}

export const pendingCommand: Command = {
  name: 'pending',
  summary: 'list tool calls waiting for a decision (escalations first); --watch to follow them',
  help: `usage: toolgate pending [--json] [--watch]

Lists every tool call that waits for a decision: worker, tool, a readable summary of the input, and for calls a
policy escalated to a person the rule, its reason, the age and the deadline. Decide one with
\`toolgate approve CALL allow|deny\`. Also shows a lockdown in force, the grants in force, and problems the
supervisor reports (a policy file that fails to load: the last good policy stays in force).
Calls a rule escalates \`to: dialog\` wait on the worker's own screen (Claude Code's confirmation dialog), not
here; headless (-p) workers treat them as a deny. See docs/escalation.md.
  --watch   keep running: print each escalation as it arrives (with a terminal bell), and when it is decided;
            one JSON object per line with --json ({"event":"escalated"|"decided", ...}). Stop with Ctrl-C.
exit status: 0 ok; 1 failure; 2 usage error.`,
  async run(ctx) {
    const { values } = parse(
      'pending',
      ctx.argv,
      { json: { type: 'boolean', default: false }, watch: { type: 'boolean', default: false } },
      false,
    );
    const s = existingState(ctx.env);
    if (values.watch) return watchPending(ctx, s, values.json);
    const rows = pendingRows(s);
    if (values.json) {
      println(ctx.stdout, JSON.stringify(rows, null, 2));
      return 0;
    }
    const { lines, empty } = render(s, rows);
    if (empty) println(ctx.stderr, 'No calls are waiting for a decision');
    for (const line of lines) println(ctx.stdout, line);
    return 0;
  },
};

// Follows escalations until interrupted (or `signal` aborts, for tests).
async function watchPending(
  ctx: CommandContext,
  s: StatePaths,
  json: boolean,
  signal?: AbortSignal,
): Promise<number> {
  const seen = new Map<string, PendingRow>();
  let problems = '';
  const tick = () => {
    const rows = pendingRows(s).filter((r) => r.escalated);
    const now = new Set(rows.map((r) => r.call));
    for (const r of rows) {
      if (seen.has(r.call)) continue;
      seen.set(r.call, r);
      if (json) println(ctx.stdout, JSON.stringify({ event: 'escalated', ...r }));
      else {
        ctx.stdout.write('\x07');
        println(
          ctx.stdout,
          `[${new Date().toISOString()}] ESCALATED ${r.call}  ${r.worker}  ${r.tool}  ${r.summary}`,
        );
        println(ctx.stdout, `    rule ${r.rule}: ${r.reason}  (deadline ${r.deadline})`);
        println(ctx.stdout, `    decide: toolgate approve ${r.call} allow|deny --reason "..."`);
      }
    }
    for (const [call, r] of seen) {
      if (now.has(call)) continue;
      seen.delete(call);
      if (json) println(ctx.stdout, JSON.stringify({ event: 'decided', call, worker: r.worker }));
      else println(ctx.stdout, `[${new Date().toISOString()}] decided ${call} (${r.worker})`);
    }
    const p = supervisorProblems(s).join('\n');
    if (p !== problems) {
      problems = p;
      for (const line of p ? p.split('\n') : []) {
        if (json) println(ctx.stdout, JSON.stringify({ event: 'problem', problem: line }));
        else println(ctx.stdout, `problem: ${line}`);
      }
    }
  };
  if (!json) println(ctx.stderr, 'Watching for escalations (Ctrl-C to stop)');
  tick();
  const watches = [watchFile(s.escalations, tick), watchFile(s.supervisorJson, tick)];
  const poll = setInterval(tick, 2000); // a fallback for missed file events
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop);
  });
  clearInterval(poll);
  for (const w of watches) w.close();
  return 0;
}
