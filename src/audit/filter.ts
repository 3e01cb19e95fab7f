// Which records a query wants: by worker, decision id, rule, time and kind.
import { ToolgateError } from '../core/errors.js';
import type { AuditKind, AuditRecord } from './schema.js';

export interface AuditFilter {
  worker?: string;
  /** A decision id, or a prefix of one. */
  decision?: string;
  /** A rule id: decisions it decided or matched, escalations it opened. */
  rule?: string;
  /** Only records at or after this time (ms since the epoch). */
  since?: number;
  kinds?: AuditKind[];
}

// Whether a record passes the filter.
export function matchesFilter(rec: AuditRecord, f: AuditFilter): boolean {
  const r = rec as Record<string, unknown>;
  if (f.kinds && !f.kinds.includes(rec.kind)) return false;
  if (f.worker !== undefined && r.worker !== f.worker) return false;
  if (
    f.decision !== undefined &&
    !(typeof r.decision_id === 'string' && r.decision_id.startsWith(f.decision))
  )
    return false;
  if (f.rule !== undefined) {
    const rules = Array.isArray(r.rules) ? (r.rules as unknown[]) : [];
    if (r.rule !== f.rule && !rules.includes(f.rule)) return false;
  }
  if (f.since !== undefined && !(Date.parse(rec.ts) >= f.since)) return false;
  return true;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

// Reads `--since`: a duration back from now (`90s`, `10m`, `2h`, `7d`) or an ISO 8601 time.
export function parseSince(text: string, now = Date.now()): number {
  const m = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (m) return now - Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  const t = Date.parse(text);
  if (Number.isNaN(t)) {
    throw new ToolgateError('USAGE', `--since expects a duration or a time, got "${text}"`, {
      hint: 'for example --since 30m, --since 2d or --since 2025-01-31T09:00:00Z',
    });
  }
  return t;
}
