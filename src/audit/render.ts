// Terminal text for records, verify results, checkpoints and summaries (JSON output is the objects themselves).
import type { Checkpoint, AuditRecord } from './schema.js';
import type { AuditSummary, WaitStats } from './summary.js';
import type { VerifyResult } from './verify.js';

const oneLine = (s: string, max = 100) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
};

// A short description of what a decision's input was (the command, the path, the URL).
function describeInput(input: Record<string, unknown> | undefined): string {
  if (!input) return '';
  for (const k of ['command', 'file_path', 'path', 'url', 'pattern', 'query', 'prompt']) {
    const v = input[k];
    if (typeof v === 'string') return oneLine(v);
  }
  return oneLine(JSON.stringify(input));
}

// One line per record: time, seq, kind, then the fields that matter for that kind.
export function formatRecord(r: AuditRecord): string {
  const head = `${r.ts}  #${r.seq}  ${r.kind}`;
  const who = (x: { worker?: string | undefined; tool?: string | undefined }) =>
    `${x.worker ?? '?'}  ${x.tool ?? '?'}`;
  switch (r.kind) {
    case 'decision':
      return `${head}  ${who(r)}  ${r.verdict.toUpperCase()}  rule=${r.rule}  by=${r.by ?? r.decided_by}  ${r.latency_ms}ms  id=${r.decision_id}  ${describeInput(r.input)}`;
    case 'escalation_opened':
      return `${head}  ${who(r)}  to=${r.to ?? 'human'}  rule=${r.rule}  call=${r.escalation_id ?? r.call ?? '?'}`;
    case 'escalation_closed':
      return `${head}  ${r.worker ?? '?'}  ${r.outcome}  by=${r.by ?? r.decided_by ?? '?'}  waited=${Math.round(r.waited_ms / 1000)}s  call=${r.escalation_id ?? r.call ?? '?'}`;
    case 'grant':
      return `${head}  ${r.worker ?? '*'}  by=${r.by}  scope=${oneLine(r.scope)}${r.expires_at ? `  until=${r.expires_at}` : ''}`;
    case 'lockdown':
      return `${head}  ${r.action}  ${r.worker ?? 'all workers'}  by=${r.by}${r.reason ? `  ${oneLine(r.reason)}` : ''}`;
    case 'policy_reload':
      return `${head}  ${r.ok ? 'ok' : 'FAILED'}  revision=${r.revision}${r.errors?.length ? `  ${r.errors.length} errors` : ''}`;
    case 'call_abandoned':
      return `${head}  ${who(r)}  call=${r.call ?? '?'}  ${oneLine(r.reason)}`;
    case 'hook_fail_closed':
      return `${head}  ${r.worker ?? '?'}  ${oneLine(r.reason)}`;
    case 'answer_rejected':
      return `${head}  call=${r.call ?? '?'}  ${oneLine(r.reason)}`;
    case 'call_rejected':
      return `${head}  call=${r.call}  ${oneLine(r.reason)}`;
    case 'hooks_disabled':
      return `${head}  ${r.file}  stopped=${r.stopped.join(',') || 'none'}`;
    case 'supervisor_start':
    case 'supervisor_stop':
      return `${head}  pid=${r.pid}`;
    case 'trail_recovered':
      return `${head}  ${r.bytes} torn bytes at ${r.file}:${r.line}`;
  }
}

// The verify report: OK with count and head, or the first problem; then warnings and checkpoints.
export function formatVerify(v: VerifyResult): string {
  const lines: string[] = [];
  if (v.ok) lines.push(`OK: ${v.count} records in ${v.files.length} file(s), head ${v.head}`);
  else if (v.problem) {
    const p = v.problem;
    lines.push(
      `FAILED: ${p.type} at ${p.file}:${p.line}${p.seq ? ` (record ${p.seq})` : ''}`,
      `  ${p.message}`,
    );
    lines.push(
      v.count > 0
        ? `  last good record: ${v.count} (hash ${v.head}); records after it cannot be trusted`
        : '  no record before it can be trusted',
    );
  }
  for (const w of v.warnings) lines.push(`warning: ${w.file}:${w.line}: ${w.message}`);
  for (const c of v.checkpoints) lines.push(`checkpoint ${c.count} ${c.head.slice(0, 16)}…: ${c.status}`);
  return lines.join('\n');
}

// The checkpoint as printed: the fields, and the HASH:COUNT form `verify --checkpoint` takes.
export function formatCheckpoint(c: Checkpoint, file: string): string {
  return [
    `count ${c.count}`,
    `head  ${c.head}`,
    `ts    ${c.ts}`,
    `appended to ${file}`,
    `verify later with: toolgate audit verify --checkpoint ${c.head}:${c.count}`,
  ].join('\n');
}

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const padL = (s: string | number, n: number) => String(s).padStart(n);
const secs = (ms: number) => (ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`);
const waits = (w: WaitStats) =>
  `median ${secs(w.medianMs)}, p90 ${secs(w.p90Ms)}, max ${secs(w.maxMs)} (${w.count})`;

// A counts table: name, allow, escalate, deny, total.
function table(
  title: string,
  rows: { name: string; allow: number; escalate: number; deny: number; total: number }[],
): string[] {
  if (rows.length === 0) return [];
  const w = Math.max(title.length, ...rows.map((r) => r.name.length)) + 2;
  const out = [
    `${pad(title, w)}${padL('allow', 8)}${padL('escalate', 10)}${padL('deny', 8)}${padL('total', 8)}`,
  ];
  for (const r of rows)
    out.push(
      `${pad(r.name, w)}${padL(r.allow, 8)}${padL(r.escalate, 10)}${padL(r.deny, 8)}${padL(r.total, 8)}`,
    );
  return out;
}

// The summary for a terminal.
export function formatSummary(s: AuditSummary): string {
  const d = s.decisions;
  const by = Object.entries(d.byDecidedBy)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const out = [
    `${s.records} records${s.from ? ` from ${s.from} to ${s.to}` : ''}`,
    `decisions: ${d.total} (allow ${d.allow}, escalate ${d.escalate}, deny ${d.deny})${by ? `; decided by ${by}` : ''}`,
    '',
    ...table(
      'worker',
      s.workers.map((r) => ({ ...r, name: r.worker })),
    ),
    '',
    ...table(
      'rule',
      s.rules.map((r) => ({ ...r, name: r.rule })),
    ),
  ];
  if (s.deniedCommands.length > 0) {
    out.push('', 'most denied commands:');
    for (const c of s.deniedCommands) out.push(`${padL(c.count, 6)}  ${c.command}`);
  }
  const e = s.escalations;
  out.push('', `escalations: ${e.opened} opened, ${e.closed} closed, ${e.open} still open`);
  const outcomes = Object.entries(e.byOutcome)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  if (outcomes) out.push(`  outcomes: ${outcomes}`);
  if (e.people) out.push(`  people took: ${waits(e.people)}`);
  for (const p of e.byPerson) out.push(`    ${p.by}: ${waits(p)}`);
  const other = Object.entries(s.other)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  if (other) out.push('', `other records: ${other}`);
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}
