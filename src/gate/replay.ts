// Policy replay: re-decide the calls an audit trail recorded with a candidate policy and report what would change.
// Inputs come from the trail as recorded: redacted secrets and cut long strings cannot be replayed exactly, so such
// rows are marked inexact. Rate limits start from zero (the history is not rebuilt). Decisions made by lockdown or
// because something failed (fail-closed) were not policy decisions and are skipped.
import fs from 'node:fs';
import { evaluate, prepareCall, type CompiledPolicy } from '../policy/index.js';
import type { HookPayload, RateFacts, Verdict } from '../policy/types.js';
import type { PrepareDeps } from '../policy/prepare.js';

export interface ReplayRecord {
  seq?: number;
  ts?: string;
  kind: string;
  call?: string;
  worker?: string;
  worker_id?: string;
  session?: string;
  tool_use_id?: string;
  tool?: string;
  input?: Record<string, unknown>;
  redacted?: string[];
  truncated?: { path: string }[];
  verdict?: string;
  rule?: string;
  decided_by?: string;
  granted_rule?: string;
}

export interface ReplayRow {
  seq?: number;
  ts?: string;
  call?: string;
  worker?: string;
  tool: string;
  summary: string;
  /** What the policy decided then (before a person, a grant or a timeout). */
  before: { verdict: Verdict; rule: string };
  after: { verdict: Verdict; rule: string; reason: string };
  changed: boolean;
  /** Why the replay may differ from the real call (redacted or cut input, unknown cwd). */
  inexact?: string[];
}

export interface ReplayResult {
  replayed: number;
  changed: ReplayRow[];
  unchanged: ReplayRow[];
  skipped: { seq?: number; call?: string; why: string }[];
}

const NO_RATES: RateFacts = { count: () => 0 };

// Reads decision records from one trail file (JSON lines; lines that do not parse are skipped).
export function readRecordsFile(file: string): ReplayRecord[] {
  const out: ReplayRecord[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as ReplayRecord;
      if (r && typeof r === 'object' && typeof r.kind === 'string') out.push(r);
    } catch {
      /* not a record */
    }
  }
  return out;
}

function summary(tool: string, input: Record<string, unknown>): string {
  const pick =
    tool === 'Bash' ? input.command : (input.file_path ?? input.notebook_path ?? input.url ?? input.pattern);
  const t = (typeof pick === 'string' ? pick : JSON.stringify(input)).replace(/\s+/g, ' ').trim();
  return t.length > 120 ? t.slice(0, 119) + '…' : t;
}

// The verdict the policy gave then: a person, a grant or a timeout decided only calls the policy escalated.
function policyVerdict(r: ReplayRecord): { verdict: Verdict; rule: string } | undefined {
  const v = r.verdict as Verdict | undefined;
  if (!v || !r.rule) return undefined;
  if (r.decided_by === 'person' || r.decided_by === 'timeout')
    return { verdict: 'escalate', rule: r.granted_rule ?? r.rule };
  if (r.decided_by === 'policy' || r.decided_by === undefined) return { verdict: v, rule: r.rule };
  return undefined;
}

export interface ReplayOptions {
  policy: CompiledPolicy;
  deps: PrepareDeps;
  home: string;
  /** The workspace of a worker by id, when known (from the state directory's worker records). */
  cwdOf: (workerId: string | undefined) => string | undefined;
}

export function replayDecisions(records: Iterable<ReplayRecord>, o: ReplayOptions): ReplayResult {
  const res: ReplayResult = { replayed: 0, changed: [], unchanged: [], skipped: [] };
  for (const r of records) {
    if (r.kind !== 'decision') continue;
    const before = policyVerdict(r);
    if (!before) {
      res.skipped.push({
        seq: r.seq,
        call: r.call,
        why: `decided by ${r.decided_by ?? '?'}, not by the policy`,
      });
      continue;
    }
    if (!r.tool || !r.input || typeof r.input !== 'object') {
      res.skipped.push({ seq: r.seq, call: r.call, why: 'the record has no tool input' });
      continue;
    }
    const inexact: string[] = [];
    if (r.redacted?.length) inexact.push(`redacted: ${r.redacted.join(', ')}`);
    if (r.truncated?.length) inexact.push(`cut: ${r.truncated.map((t) => t.path).join(', ')}`);
    const known = o.cwdOf(r.worker_id);
    if (!known) inexact.push('workspace unknown (relative paths resolved against /)');
    const payload: HookPayload = {
      session_id: r.session ?? 'replay',
      cwd: known ?? '/',
      hook_event_name: 'PreToolUse',
      tool_name: r.tool,
      tool_input: r.input,
      tool_use_id: r.tool_use_id ?? 'replay',
    };
    const now = r.ts ? Date.parse(r.ts) : Date.now();
    let after: ReplayRow['after'];
    try {
      const call = prepareCall(
        payload,
        { worker: r.worker ?? 'replay', home: o.home, now: Number.isFinite(now) ? now : Date.now() },
        o.deps,
      );
      const d = evaluate(o.policy, call, NO_RATES);
      after = { verdict: d.verdict, rule: d.rule, reason: d.reason };
    } catch (e) {
      res.skipped.push({ seq: r.seq, call: r.call, why: `could not be evaluated: ${(e as Error).message}` });
      continue;
    }
    res.replayed++;
    const row: ReplayRow = {
      ...(r.seq !== undefined ? { seq: r.seq } : {}),
      ...(r.ts ? { ts: r.ts } : {}),
      ...(r.call ? { call: r.call } : {}),
      ...(r.worker ? { worker: r.worker } : {}),
      tool: r.tool,
      summary: summary(r.tool, r.input),
      before,
      after,
      changed: after.verdict !== before.verdict,
      ...(inexact.length ? { inexact } : {}),
    };
    (row.changed ? res.changed : res.unchanged).push(row);
  }
  return res;
}
