// Summarising records: decisions per worker, rule and verdict; most denied commands; escalations and waits.
import type { AuditRecord } from './schema.js';

type Verdict = 'allow' | 'escalate' | 'deny';
export interface VerdictCounts {
  allow: number;
  escalate: number;
  deny: number;
  total: number;
}

export interface WaitStats {
  count: number;
  medianMs: number;
  p90Ms: number;
  maxMs: number;
}

export interface AuditSummary {
  records: number;
  from?: string;
  to?: string;
  decisions: VerdictCounts & { byDecidedBy: Record<string, number> };
  workers: ({ worker: string } & VerdictCounts)[];
  rules: ({ rule: string } & VerdictCounts)[];
  /**
   * Denied Bash commands by the simple command the deciding rule matched, as its name and first argument
   * (`command_head`: `rm -rf` for `cd /x && rm -rf /y`), else by the command's first words; other tools by name;
   * most first.
   */
  deniedCommands: { command: string; count: number }[];
  escalations: {
    opened: number;
    closed: number;
    /** Opened and not closed in these records. */
    open: number;
    byOutcome: Record<string, number>;
    /**
     * How long calls waited for a decision by a person (decided_by person: `toolgate approve`, or the worker's
     * screen); closings by a lockdown, a timeout or Claude Code itself (a headless worker) are not counted.
     */
    people: WaitStats | null;
    byPerson: ({ by: string } & WaitStats)[];
  };
  /** Records of every other kind, by kind. */
  other: Record<string, number>;
}

const UNKNOWN = '(unknown)';
const zero = (): VerdictCounts => ({ allow: 0, escalate: 0, deny: 0, total: 0 });

// The first two words of a shell command, after any leading VAR=value assignments.
export function commandHead(command: string): string {
  const words = command.trim().split(/\s+/);
  while (words.length > 1 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] as string)) words.shift();
  return words.slice(0, 2).join(' ');
}

// Median, 90th percentile and maximum of some durations.
export function waitStats(ms: number[]): WaitStats | null {
  if (ms.length === 0) return null;
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] as number;
  return { count: s.length, medianMs: q(0.5), p90Ms: q(0.9), maxMs: s[s.length - 1] as number };
}

// Counts into a map keyed by name.
function bump(map: Map<string, VerdictCounts>, key: string, v: Verdict): void {
  const c = map.get(key) ?? zero();
  c[v]++;
  c.total++;
  map.set(key, c);
}

const byTotal = <T extends { total: number }>(a: T, b: T) => b.total - a.total;

// Summarises records (usually from readAudit with a filter).
export function summarizeAudit(records: Iterable<AuditRecord>): AuditSummary {
  const decisions = { ...zero(), byDecidedBy: {} as Record<string, number> };
  const workers = new Map<string, VerdictCounts>();
  const rules = new Map<string, VerdictCounts>();
  const denied = new Map<string, number>();
  const opened = new Set<string>();
  const byOutcome: Record<string, number> = {};
  const waits: number[] = [];
  const personWaits = new Map<string, number[]>();
  const other: Record<string, number> = {};
  let closed = 0;
  let openedCount = 0;
  let n = 0;
  let from: string | undefined;
  let to: string | undefined;
  for (const r of records) {
    n++;
    from ??= r.ts;
    to = r.ts;
    if (r.kind === 'decision') {
      decisions[r.verdict]++;
      decisions.total++;
      decisions.byDecidedBy[r.decided_by] = (decisions.byDecidedBy[r.decided_by] ?? 0) + 1;
      bump(workers, r.worker ?? UNKNOWN, r.verdict);
      bump(rules, r.rule, r.verdict);
      if (r.verdict === 'deny') {
        const cmd = r.input?.command;
        const key =
          r.command_head ??
          (r.tool === 'Bash' && typeof cmd === 'string' ? commandHead(cmd) : (r.tool ?? UNKNOWN));
        denied.set(key, (denied.get(key) ?? 0) + 1);
      }
    } else if (r.kind === 'escalation_opened') {
      openedCount++;
      opened.add(r.escalation_id ?? r.call ?? `#${r.seq}`);
    } else if (r.kind === 'escalation_closed') {
      closed++;
      opened.delete(r.escalation_id ?? r.call ?? '');
      byOutcome[r.outcome] = (byOutcome[r.outcome] ?? 0) + 1;
      if ((r.outcome === 'allow' || r.outcome === 'deny') && r.decided_by === 'person') {
        waits.push(r.waited_ms);
        const who = r.by ?? UNKNOWN;
        personWaits.set(who, [...(personWaits.get(who) ?? []), r.waited_ms]);
      }
    } else {
      other[r.kind] = (other[r.kind] ?? 0) + 1;
    }
  }
  return {
    records: n,
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    decisions,
    workers: [...workers].map(([worker, c]) => ({ worker, ...c })).sort(byTotal),
    rules: [...rules].map(([rule, c]) => ({ rule, ...c })).sort(byTotal),
    deniedCommands: [...denied]
      .map(([command, count]) => ({ command, count }))
      .sort((a, b) => b.count - a.count)
      .slice(0, 10),
    escalations: {
      opened: openedCount,
      closed,
      open: opened.size,
      byOutcome,
      people: waitStats(waits),
      byPerson: [...personWaits].map(([by, ms]) => ({ by, ...(waitStats(ms) as WaitStats) })),
    },
    other,
  };
}
