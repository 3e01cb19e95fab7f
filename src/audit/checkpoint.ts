// Checkpoints: the trail's count and head hash, appended to a separate file for an operator to keep elsewhere.
import fs from 'node:fs';
import path from 'node:path';
import { ToolgateError } from '../core/errors.js';
import { CHECKPOINTS_FILE } from './files.js';
import { AUDIT_VERSION, checkpointSchema, type Checkpoint } from './schema.js';
import { verifyAudit, type VerifyOptions } from './verify.js';

/** `<head>:<count>`, the form `verify --checkpoint` takes on the command line. */
const INLINE = /^([0-9a-f]{64}):(\d+)$/;

// The default checkpoints file of a trail.
export function defaultCheckpointsFile(dir: string): string {
  return path.join(dir, CHECKPOINTS_FILE);
}

// Writes a checkpoint as `<head>:<count>`.
export function formatInlineCheckpoint(c: Checkpoint): string {
  return `${c.head}:${c.count}`;
}

// Verifies the trail, then appends {v, count, head, ts} to `out`; refuses to bless a trail that fails.
export function checkpointAudit(
  dir: string,
  opts: { out?: string; now?: () => number; fsync?: boolean } & VerifyOptions = {},
): Checkpoint {
  const v = verifyAudit(dir, opts);
  if (!v.ok) {
    throw new ToolgateError('AUDIT_BROKEN', `not writing a checkpoint: ${v.problem?.message}`, {
      hint: 'run `toolgate audit verify` to see the first bad record',
      details: { problem: v.problem },
    });
  }
  const c: Checkpoint = {
    v: AUDIT_VERSION,
    count: v.count,
    head: v.head,
    ts: new Date((opts.now ?? Date.now)()).toISOString(),
  };
  const out = opts.out ?? defaultCheckpointsFile(dir);
  const fd = fs.openSync(out, 'a', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(c) + '\n');
    if (opts.fsync ?? true) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return c;
}

// Reads a checkpoints file (one JSON object per line); a bad line is an AUDIT_INVALID error naming it.
export function readCheckpoints(file: string): Checkpoint[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ToolgateError('NOT_FOUND', `cannot read checkpoints file ${file}: ${(e as Error).message}`, {
      hint: 'give a file written by `toolgate audit checkpoint`, or HASH:COUNT',
    });
  }
  const out: Checkpoint[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    const r = checkpointSchema.safeParse(parsed);
    if (!r.success) {
      throw new ToolgateError('AUDIT_INVALID', `${file}:${i + 1} is not a checkpoint`, {
        hint: 'each line must be {"count":N,"head":"<64 hex>","ts":"..."}',
      });
    }
    out.push(r.data);
  });
  return out;
}

// Reads `HASH:COUNT` or a checkpoints file.
export function parseCheckpointArg(arg: string): Checkpoint[] {
  const m = INLINE.exec(arg);
  if (m) return [{ head: m[1] as string, count: Number(m[2]) }];
  return readCheckpoints(arg);
}
