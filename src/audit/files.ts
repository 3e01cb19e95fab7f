// The files of a trail: audit.1.jsonl (oldest) ... audit.<n>.jsonl, then the active audit.jsonl.
import fs from 'node:fs';
import path from 'node:path';

export const ACTIVE_FILE = 'audit.jsonl';
export const CHECKPOINTS_FILE = 'checkpoints.jsonl';
const ROTATED = /^audit\.(\d+)\.jsonl$/;

// Lists the trail's rotated file numbers, ascending.
export function listRotatedNumbers(dir: string): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const nums: number[] = [];
  for (const n of names) {
    const m = ROTATED.exec(n);
    if (m) nums.push(Number(m[1]));
  }
  return nums.sort((a, b) => a - b);
}

// The name a rotated file gets.
export function rotatedName(n: number): string {
  return `audit.${n}.jsonl`;
}

// Lists the trail's files in chain order (full paths); the active file last, when it exists.
export function listAuditFiles(dir: string): string[] {
  const files = listRotatedNumbers(dir).map((n) => path.join(dir, rotatedName(n)));
  const active = path.join(dir, ACTIVE_FILE);
  if (fs.existsSync(active)) files.push(active);
  return files;
}

/** One line of a file: its bytes (no newline), 1-based number, and whether a newline ended it. */
export interface FileLine {
  bytes: Buffer;
  line: number;
  terminated: boolean;
}

// Splits a file's bytes into lines; a last line without newline is returned with terminated=false.
export function* splitLines(buf: Buffer): Generator<FileLine> {
  let start = 0;
  let line = 1;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    if (nl === -1) {
      yield { bytes: buf.subarray(start), line, terminated: false };
      return;
    }
    yield { bytes: buf.subarray(start, nl), line, terminated: true };
    start = nl + 1;
    line++;
  }
}
