// Walks every line of a trail in chain order, unsealing each one, with positions for reports.
import fs from 'node:fs';
import path from 'node:path';
import { splitLines } from './files.js';
import { unsealLine, type UnsealedLine } from './seal.js';

/** One line of the trail, where it is and what it holds. */
export interface TrailEntry {
  fileIndex: number;
  /** File name (not the full path). */
  file: string;
  line: number;
  terminated: boolean;
  bytes: Buffer;
  unsealed: UnsealedLine;
}

// Yields the entries of `files` from (fileIndex, line) on.
export function* walkTrail(files: string[], fromFile = 0, fromLine = 1): Generator<TrailEntry> {
  for (let i = fromFile; i < files.length; i++) {
    const full = files[i] as string;
    let buf: Buffer;
    try {
      buf = fs.readFileSync(full);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    const name = path.basename(full);
    for (const l of splitLines(buf)) {
      if (i === fromFile && l.line < fromLine) continue;
      yield {
        fileIndex: i,
        file: name,
        line: l.line,
        terminated: l.terminated,
        bytes: l.bytes,
        unsealed: unsealLine(l.bytes),
      };
    }
  }
}
