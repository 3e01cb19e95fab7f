// Finds where a trail's chain ends: the last sealed record of the newest file, and any torn bytes after it.
import fs from 'node:fs';
import path from 'node:path';
import { ToolgateError } from '../core/errors.js';
import { ACTIVE_FILE, listAuditFiles } from './files.js';
import { GENESIS } from './schema.js';
import { hashHex, unsealLine } from './seal.js';

/** Bytes after the last sealed record: a write cut short by a crash (or damage). */
export interface TornTail {
  /** Full path of the file holding them. */
  file: string;
  /** Byte offset where they start. */
  offset: number;
  /** 1-based line number of the first torn line. */
  line: number;
  bytes: number;
  /** sha256 of the torn bytes without one trailing newline (what a trail_recovered record attests). */
  sha256: string;
  /** Whether the torn bytes already end with a newline. */
  terminated: boolean;
}

/** The end of the chain: the next record gets seq = count + 1 and prev = head. */
export interface ChainHead {
  count: number;
  head: string;
  torn?: TornTail;
  /** The last record is whole but its newline is missing: write one before the next record. */
  unterminated?: boolean;
}

const FIRST_WINDOW = 256 * 1024;

// Hash of torn bytes as attested: without one trailing newline.
export function hashTorn(bytes: Buffer): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0a ? bytes.length - 1 : bytes.length;
  return hashHex(bytes.subarray(0, end));
}

// Reads `len` bytes of a file from `start`.
function readRange(fd: number, start: number, len: number): Buffer {
  const buf = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const n = fs.readSync(fd, buf, got, len - got, start + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

// Counts newlines before `offset` to turn a byte offset into a 1-based line number.
function lineAt(fd: number, offset: number): number {
  const buf = readRange(fd, 0, offset);
  let n = 1;
  for (let i = buf.indexOf(0x0a); i !== -1; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}

// Finds the last sealed record in a file: its end offset, seq and hash; undefined if none.
function findLastSealed(
  fd: number,
  size: number,
): { end: number; count: number; head: string; unterminated?: boolean } | undefined {
  for (let win = FIRST_WINDOW; ; win *= 2) {
    const start = Math.max(0, size - win);
    const buf = readRange(fd, start, size - start);
    // A whole sealed record missing only its newline (the crash hit between the two).
    const lastNl = buf.lastIndexOf(0x0a);
    if (lastNl !== buf.length - 1 && (lastNl !== -1 || start === 0)) {
      const u = unsealLine(buf.subarray(lastNl + 1));
      if (u.ok) return { end: size, count: u.record.seq, head: u.record.hash, unterminated: true };
    }
    // Ends of complete lines, scanning backwards; a line starting before `start` is not whole.
    let end = buf.lastIndexOf(0x0a);
    while (end !== -1) {
      const prevNl = end === 0 ? -1 : buf.lastIndexOf(0x0a, end - 1);
      if (prevNl === -1 && start > 0) break;
      const u = unsealLine(buf.subarray(prevNl + 1, end));
      if (u.ok) return { end: start + end + 1, count: u.record.seq, head: u.record.hash };
      end = prevNl;
    }
    if (start === 0) return undefined;
  }
}

// Reads the chain head of the trail in `dir`; throws when damage other than a torn active-file tail is found.
export function readChainHead(dir: string): ChainHead {
  const files = listAuditFiles(dir);
  let torn: TornTail | undefined;
  for (let i = files.length - 1; i >= 0; i--) {
    const file = files[i] as string;
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (size === 0) continue;
      const last = findLastSealed(fd, size);
      const tornStart = last ? last.end : 0;
      const damaged = tornStart < size || last?.unterminated === true;
      if (damaged && torn === undefined && path.basename(file) !== ACTIVE_FILE) {
        throw new ToolgateError('AUDIT_INVALID', `audit file ${file} does not end with a whole sealed line`, {
          hint: 'run `toolgate audit verify` and move the damaged trail aside before starting the supervisor',
        });
      }
      if (tornStart < size && torn === undefined) {
        const bytes = readRange(fd, tornStart, size - tornStart);
        torn = {
          file,
          offset: tornStart,
          line: lineAt(fd, tornStart),
          bytes: bytes.length,
          sha256: hashTorn(bytes),
          terminated: bytes[bytes.length - 1] === 0x0a,
        };
      }
      if (last) {
        const open = last.unterminated && !torn ? { unterminated: true } : {};
        return { count: last.count, head: last.head, ...(torn ? { torn } : {}), ...open };
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  return { count: 0, head: GENESIS, ...(torn ? { torn } : {}) };
}
