// Grants: a person's "allow calls like this one for N minutes", kept by the supervisor in <state>/grants.json.
// A grant is scoped no wider than the approved call (same worker, same rule, same command line or same path)
// unless the person widened it to the rule. A grant lifts only the rule it names: a call that any other rule (or
// the unknown/default pseudo-rules) also escalates is still asked. Never a deny, never lockdown.
// Fail closed: a grants file that cannot be read or validated means no grants, never an allow.
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { redactText } from '../audit/secrets.js';
import type { StatePaths } from '../core/state.js';
import type { RuleMatch } from '../policy/types.js';
import { writeFileAtomic } from '../core/fsx.js';

/** What an exact grant must see again: the same command line, the same path, or the same whole input. */
export const GrantMatchSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('command'), command: z.string() }),
  z.object({ kind: z.literal('path'), path: z.string() }),
  z.object({ kind: z.literal('input'), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
]);
export type GrantMatch = z.infer<typeof GrantMatchSchema>;

export const GrantSchema = z.object({
  id: z.string().regex(/^g-[0-9a-f]{8,32}$/),
  worker_id: z.string().min(1),
  worker: z.string(),
  rule: z.string().min(1),
  /** exact: the same tool and match; rule: any call this rule escalates for this worker. */
  scope: z.enum(['exact', 'rule']),
  tool: z.string().min(1),
  /** Required when scope is exact. */
  match: GrantMatchSchema.optional(),
  /** A readable line for listings and the audit trail. */
  summary: z.string(),
  by: z.string(),
  reason: z.string().optional(),
  /** The approved call the grant came from. */
  call: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
});
export type Grant = z.infer<typeof GrantSchema>;

const GrantsFileSchema = z.object({ v: z.literal(1), grants: z.array(z.unknown()) });

/** A revocation request from `toolgate grants revoke` (answers/<grant id>.revoke). */
export const RevokeSchema = z.object({
  v: z.literal(1),
  grant: z.string(),
  by: z.string(),
  reason: z.string().max(2000).optional(),
  ts: z.number(),
});
export type Revoke = z.infer<typeof RevokeSchema>;

export function grantsFile(s: Pick<StatePaths, 'root'>): string {
  return path.join(s.root, 'grants.json');
}

/** Tools whose calls are "the same" when they name the same path (whatever they write there). */
const PATH_KEYS: Record<string, string> = {
  Read: 'file_path',
  Write: 'file_path',
  Edit: 'file_path',
  MultiEdit: 'file_path',
  NotebookEdit: 'notebook_path',
  NotebookRead: 'notebook_path',
};

// Canonical JSON (keys sorted) so the same input always hashes the same.
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as Record<string, unknown>)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

// What an exact grant for this call must see again.
export function matchOf(tool: string, input: Record<string, unknown>): GrantMatch {
  if (tool === 'Bash' && typeof input.command === 'string')
    return { kind: 'command', command: input.command };
  const key = PATH_KEYS[tool];
  const p = key ? input[key] : undefined;
  if (typeof p === 'string' && p !== '') return { kind: 'path', path: p };
  return { kind: 'input', sha256: createHash('sha256').update(canonical(input)).digest('hex') };
}

function sameMatch(a: GrantMatch, b: GrantMatch): boolean {
  if (a.kind === 'command' && b.kind === 'command') return a.command === b.command;
  if (a.kind === 'path' && b.kind === 'path') return a.path === b.path;
  if (a.kind === 'input' && b.kind === 'input') return a.sha256 === b.sha256;
  return false;
}

function describeMatch(tool: string, m: GrantMatch | undefined): string {
  if (!m) return tool;
  if (m.kind === 'command') {
    // Secrets are masked before the command is cut (a cut secret may no longer look like one).
    const shown = redactText(m.command, true).text;
    return `Bash \`${shown.length > 200 ? shown.slice(0, 199) + '…' : shown}\``;
  }
  if (m.kind === 'path') return `${tool} ${m.path}`;
  return `${tool} with the same input (sha256 ${m.sha256.slice(0, 12)})`;
}

// The readable scope of a grant (the audit record's `scope`).
export function describeGrant(g: Pick<Grant, 'scope' | 'tool' | 'match' | 'rule' | 'worker'>): string {
  return g.scope === 'rule'
    ? `rule: any call rule ${g.rule} escalates for worker ${g.worker} (widened by the person)`
    : `exact: ${describeMatch(g.tool, g.match)} under rule ${g.rule} for worker ${g.worker}`;
}

export interface NewGrant {
  worker_id: string;
  worker: string;
  rule: string;
  scope: 'exact' | 'rule';
  tool: string;
  input: Record<string, unknown>;
  minutes: number;
  by: string;
  reason?: string;
  call: string;
}

/** The call a grant is asked about. */
export interface GrantQuery {
  worker_id: string;
  /** The rule that decided the call (the strictest match). */
  rule: string;
  /** Every match of the decision's trace (rules, and the engine's `unknown`, `default`, `rate:*`, `lifted:*`). */
  matches: ReadonlyArray<Pick<RuleMatch, 'rule' | 'verdict'>>;
  tool: string;
  input: Record<string, unknown>;
}

// Whether a grant for `rule` may lift a call with these matches: a grant lifts only the rule it names, so every
// escalating match must be that rule (any other rule, or the `unknown`/`default`/rate pseudo-rules, keeps the
// escalation), and no match may deny. Matches an exception lifted (`lifted:*`) no longer count.
export function onlyRuleEscalates(rule: string, matches: GrantQuery['matches']): boolean {
  for (const m of matches) {
    if (m.verdict === 'allow' || m.rule.startsWith('lifted:')) continue;
    if (m.verdict !== 'escalate' || m.rule !== rule) return false;
  }
  return true;
}

// Whether a live grant covers a call (pure; `now` in ms).
export function grantCovers(g: Grant, q: GrantQuery, now: number): boolean {
  if (Date.parse(g.expires_at) <= now) return false;
  if (g.worker_id !== q.worker_id || g.rule !== q.rule) return false;
  if (!onlyRuleEscalates(g.rule, q.matches)) return false;
  if (g.scope === 'rule') return true;
  if (g.tool !== q.tool || !g.match) return false;
  return sameMatch(g.match, matchOf(q.tool, q.input));
}

export interface LoadedGrants {
  grants: Grant[];
  /** Set when the file existed but could not be used (then no grant is in force). */
  error?: string;
}

// Reads the grants file; any problem means no grants (fail closed), with the problem said.
export function readGrants(file: string): LoadedGrants {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { grants: [] };
    return { grants: [], error: `cannot read ${file}: ${(e as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { grants: [], error: `${file} is not valid JSON; no grant is in force` };
  }
  const outer = GrantsFileSchema.safeParse(json);
  if (!outer.success)
    return { grants: [], error: `${file} is not a toolgate grants file; no grant is in force` };
  const grants: Grant[] = [];
  let bad = 0;
  for (const g of outer.data.grants) {
    const r = GrantSchema.safeParse(g);
    if (r.success && (r.data.scope === 'rule' || r.data.match)) grants.push(r.data);
    else bad++;
  }
  return bad ? { grants, error: `${file}: ${bad} invalid grant(s) ignored` } : { grants };
}

/** The supervisor's grants: in memory, saved to grants.json (atomically) on every change. */
export class GrantStore {
  private grants: Grant[] = [];
  loadError: string | undefined;

  constructor(
    private readonly file: string,
    private readonly now: () => number = Date.now,
  ) {}

  load(): void {
    const r = readGrants(this.file);
    this.grants = r.grants;
    this.loadError = r.error;
  }

  list(): Grant[] {
    return [...this.grants];
  }

  private save(next: Grant[]): void {
    writeFileAtomic(this.file, JSON.stringify({ v: 1, grants: next }, null, 1) + '\n');
    this.grants = next;
  }

  // Creates and saves a grant; throws when it cannot be saved (then the grant does not exist).
  add(n: NewGrant): Grant {
    const created = this.now();
    const g: Grant = {
      id: `g-${randomBytes(5).toString('hex')}`,
      worker_id: n.worker_id,
      worker: n.worker,
      rule: n.rule,
      scope: n.scope,
      tool: n.tool,
      ...(n.scope === 'exact' ? { match: matchOf(n.tool, n.input) } : {}),
      summary: '',
      by: n.by,
      ...(n.reason ? { reason: n.reason } : {}),
      call: n.call,
      created_at: new Date(created).toISOString(),
      expires_at: new Date(created + Math.round(n.minutes * 60_000)).toISOString(),
    };
    g.summary = describeGrant(g);
    this.save([...this.grants.filter((x) => Date.parse(x.expires_at) > created), g]);
    return g;
  }

  // The live grant that covers this call, if any.
  find(q: GrantQuery): Grant | undefined {
    const now = this.now();
    return this.grants.find((g) => grantCovers(g, q, now));
  }

  // Removes expired grants and returns them; `saveError` when the file could not be rewritten (they no longer
  // apply in this process either way, and an expired grant in the file is never applied after a restart).
  expire(): { gone: Grant[]; saveError?: Error } {
    const now = this.now();
    const gone = this.grants.filter((g) => Date.parse(g.expires_at) <= now);
    if (!gone.length) return { gone };
    const keep = this.grants.filter((g) => Date.parse(g.expires_at) > now);
    try {
      this.save(keep);
      return { gone };
    } catch (e) {
      this.grants = keep;
      return { gone, saveError: e as Error };
    }
  }

  // Removes a grant by id; undefined when there is none. The memory is updated even if the save fails.
  revoke(id: string): Grant | undefined {
    const g = this.grants.find((x) => x.id === id);
    if (!g) return undefined;
    const keep = this.grants.filter((x) => x.id !== id);
    try {
      this.save(keep);
    } finally {
      this.grants = keep;
    }
    return g;
  }
}
