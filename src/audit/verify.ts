// Verifies a trail: every seal, the chain across files, and checkpoints; reports the first bad record.
import { listAuditFiles } from './files.js';
import { GENESIS, type AuditRecord, type Checkpoint } from './schema.js';
import { hashTorn } from './tail.js';
import { walkTrail, type TrailEntry } from './walk.js';

export type ProblemType = 'changed' | 'removed' | 'reordered' | 'inserted' | 'truncated' | 'rewritten';

/** The first bad record: what is wrong and where. */
export interface VerifyProblem {
  type: ProblemType;
  file: string;
  line: number;
  seq?: number;
  message: string;
}

export interface VerifyWarning {
  file: string;
  line: number;
  message: string;
}

export interface CheckpointResult extends Checkpoint {
  status: 'ok' | 'truncated' | 'rewritten' | 'unchecked';
}

export interface VerifyResult {
  ok: boolean;
  /**
   * seq of the last good record (records in the trail when ok): never the bad record itself, e.g. a changed record
   * whose own hash was recomputed (the next record shows it), or the record a checkpoint says was rewritten.
   */
  count: number;
  /** hash of the last good record (GENESIS when none is). */
  head: string;
  files: string[];
  problem?: VerifyProblem;
  warnings: VerifyWarning[];
  checkpoints: CheckpointResult[];
}

export interface VerifyOptions {
  /** Checkpoints the trail must contain (count and head). */
  checkpoints?: Checkpoint[];
}

interface Good {
  seq: number;
  hash: string;
  file: string;
  line: number;
}

const at = (e: TrailEntry) => `${e.file}:${e.line}`;
const chainsFrom = (r: AuditRecord, p: Good) => r.prev === p.hash && r.seq === p.seq + 1;

/** What the rest of the trail says about an out-of-place record. */
interface Later {
  next: AuditRecord | undefined;
  /** The record `r` chains from comes later: `r` was moved up. */
  prevLater: boolean;
  /** The same record comes again later: this one is a copy. */
  dupLater: boolean;
  /** The record expected here comes later. */
  expectedLater: boolean;
}

// Scans the sealed records after position `e` once, for what classifyBreak needs.
function scanLater(files: string[], e: TrailEntry, r: AuditRecord, expected: number): Later {
  const later: Later = { next: undefined, prevLater: false, dupLater: false, expectedLater: false };
  for (const n of walkTrail(files, e.fileIndex, e.line + 1)) {
    if (!n.unsealed.ok) continue;
    const x = n.unsealed.record;
    later.next ??= x;
    if (x.hash === r.prev) later.prevLater = true;
    if (x.hash === r.hash) later.dupLater = true;
    if (x.seq === expected) later.expectedLater = true;
  }
  return later;
}

// Explains why a sealed record `r` at `e` does not follow `p` (and `pp` before it).
function classifyBreak(
  files: string[],
  e: TrailEntry,
  r: AuditRecord,
  p: Good,
  pp: Good | undefined,
): VerifyProblem {
  const here = { file: e.file, line: e.line, seq: r.seq };
  if (r.prev === p.hash) {
    return {
      type: 'changed',
      ...here,
      message: `record ${r.seq} at ${at(e)} chains from ${p.seq} but says seq ${r.seq}`,
    };
  }
  if (pp && r.prev === pp.hash && r.seq === p.seq) {
    return {
      type: 'inserted',
      file: p.file,
      line: p.line,
      seq: p.seq,
      message: `record at ${p.file}:${p.line} was inserted: ${at(e)} (seq ${r.seq}) chains from the record before it`,
    };
  }
  if (r.seq === p.seq + 1) {
    if (p.seq === 0)
      return {
        type: 'changed',
        ...here,
        message: `first record at ${at(e)} does not chain from the genesis value`,
      };
    return {
      type: 'changed',
      file: p.file,
      line: p.line,
      seq: p.seq,
      message: `record ${p.seq} at ${p.file}:${p.line} was changed: record ${r.seq} at ${at(e)} chains from a different hash`,
    };
  }
  const later = scanLater(files, e, r, p.seq + 1);
  const inserted = (): VerifyProblem => ({
    type: 'inserted',
    ...here,
    message: `record at ${at(e)} (seq ${r.seq}) was inserted after record ${p.seq}`,
  });
  if (later.dupLater) return inserted();
  if (!later.prevLater) {
    if (later.next && chainsFrom(later.next, p)) return inserted();
    if (r.seq > p.seq + 1 && !later.expectedLater) {
      const gap = r.seq - p.seq - 1;
      const which = gap === 1 ? `record ${p.seq + 1} is` : `records ${p.seq + 1}..${r.seq - 1} are`;
      return { type: 'removed', ...here, message: `${which} missing before ${at(e)} (seq ${r.seq})` };
    }
  }
  return {
    type: 'reordered',
    ...here,
    message: `record ${r.seq} at ${at(e)} is out of order: expected ${p.seq + 1}`,
  };
}

// Verifies the trail in `dir`; never throws for a bad trail (only for unreadable files).
export function verifyAudit(dir: string, opts: VerifyOptions = {}): VerifyResult {
  const files = listAuditFiles(dir);
  const names = files.map((f) => f.split('/').at(-1) as string);
  const warnings: VerifyWarning[] = [];
  const wanted = new Map<number, Checkpoint[]>();
  for (const c of opts.checkpoints ?? []) wanted.set(c.count, [...(wanted.get(c.count) ?? []), c]);
  const seen = new Map<Checkpoint, CheckpointResult['status']>();
  let p: Good = { seq: 0, hash: GENESIS, file: names[0] ?? 'audit.jsonl', line: 0 };
  let pp: Good | undefined;
  let problem: VerifyProblem | undefined;
  let junk: TrailEntry[] = [];
  const checkAgainst = (g: Good) => {
    for (const c of wanted.get(g.seq) ?? []) {
      seen.set(c, c.head === g.hash ? 'ok' : 'rewritten');
      if (c.head !== g.hash && !problem) {
        problem = {
          type: 'rewritten',
          file: g.file,
          line: g.line,
          seq: g.seq,
          message: `record ${g.seq} at ${g.file}:${g.line} has hash ${g.hash.slice(0, 12)}…, the checkpoint says ${c.head.slice(0, 12)}…: the trail was rewritten`,
        };
      }
    }
  };
  checkAgainst(p);
  for (const e of walkTrail(files)) {
    if (problem) break;
    if (!e.unsealed.ok) {
      if (junk.length > 0 && junk[0]?.fileIndex !== e.fileIndex) break;
      junk.push(e);
      continue;
    }
    const r = e.unsealed.record;
    if (junk.length > 0) {
      problem = judgeJunk(junk, r, p, e, warnings);
      junk = [];
      if (problem) break;
    }
    if (!chainsFrom(r, p)) {
      problem = classifyBreak(files, e, r, p, pp);
      break;
    }
    pp = p;
    p = { seq: r.seq, hash: r.hash, file: e.file, line: e.line };
    checkAgainst(p);
  }
  if (!problem && junk.length > 0) problem = judgeTail(junk, warnings);
  // The last good record: the one before the problem. A problem at `p` itself (changed with its hash recomputed,
  // inserted with a valid seal) leaves `pp`; a rewrite a checkpoint caught leaves the last checkpoint that held.
  let last: Good = p;
  const prob = problem as VerifyProblem | undefined;
  if (prob?.type === 'rewritten') {
    const held = [...seen].filter(([c, st]) => st === 'ok' && c.count < (prob.seq ?? 0));
    const best = held.sort((a, b) => b[0].count - a[0].count)[0]?.[0];
    last = best
      ? { seq: best.count, hash: best.head, file: '', line: 0 }
      : { seq: 0, hash: GENESIS, file: '', line: 0 };
  } else if (
    prob &&
    prob.type !== 'truncated' &&
    prob.seq === p.seq &&
    prob.file === p.file &&
    prob.line === p.line &&
    p.seq > 0
  ) {
    last = pp ?? { seq: 0, hash: GENESIS, file: '', line: 0 };
  }
  const checkpoints: CheckpointResult[] = (opts.checkpoints ?? []).map((c) => {
    const status = seen.get(c) ?? (problem ? 'unchecked' : 'truncated');
    return { ...c, status };
  });
  const cut = checkpoints.find((c) => c.status === 'truncated');
  if (!problem && cut) {
    problem = {
      type: 'truncated',
      file: p.file,
      line: p.line,
      seq: p.seq,
      message: `the trail ends at record ${p.seq} (${p.file}:${p.line}) but a checkpoint says it had ${cut.count}: its tail was cut off`,
    };
  }
  return {
    ok: !problem,
    count: last.seq,
    head: last.hash,
    files: names,
    ...(problem ? { problem } : {}),
    warnings,
    checkpoints,
  };
}

// Judges unsealable lines followed by sealed record `r`: attested torn bytes pass, anything else is a problem.
function judgeJunk(
  junk: TrailEntry[],
  r: AuditRecord,
  p: Good,
  e: TrailEntry,
  warnings: VerifyWarning[],
): VerifyProblem | undefined {
  const first = junk[0] as TrailEntry;
  const bytes = Buffer.concat(junk.flatMap((j, i) => (i === 0 ? [j.bytes] : [Buffer.from('\n'), j.bytes])));
  const attests = r.kind === 'trail_recovered' && r.file === first.file && r.line === first.line;
  if (attests && r.sha256 === hashTorn(bytes)) {
    warnings.push({
      file: first.file,
      line: first.line,
      message: `${r.bytes} torn bytes (a write cut short by a crash), attested by record ${r.seq} at ${at(e)}`,
    });
    return undefined;
  }
  const u = first.unsealed;
  const seq = !u.ok && typeof u.record?.seq === 'number' ? u.record.seq : undefined;
  if (!attests && chainsFrom(r, p)) {
    return {
      type: 'inserted',
      file: first.file,
      line: first.line,
      ...(seq ? { seq } : {}),
      message: `line ${at(first)} was inserted: it is not a sealed record (${u.ok ? '' : u.reason}) and the chain skips it`,
    };
  }
  return {
    type: 'changed',
    file: first.file,
    line: first.line,
    ...(seq ? { seq } : {}),
    message: `record${seq ? ` ${seq}` : ''} at ${at(first)} was changed: ${u.ok ? '' : u.reason}`,
  };
}

// Judges unsealable lines at the very end: an unterminated last line is a write in progress or a torn write.
function judgeTail(junk: TrailEntry[], warnings: VerifyWarning[]): VerifyProblem | undefined {
  const first = junk[0] as TrailEntry;
  if (junk.length === 1 && !first.terminated) {
    warnings.push({
      file: first.file,
      line: first.line,
      message:
        'incomplete last line: a write in progress, or torn by a crash (the next supervisor start attests it)',
    });
    return undefined;
  }
  const u = first.unsealed;
  const seq = !u.ok && typeof u.record?.seq === 'number' ? u.record.seq : undefined;
  return {
    type: 'changed',
    file: first.file,
    line: first.line,
    ...(seq ? { seq } : {}),
    message: `record${seq ? ` ${seq}` : ''} at ${at(first)} was changed: ${u.ok ? '' : u.reason}`,
  };
}
