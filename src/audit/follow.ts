// Following a trail as it grows: the records so far, then each new one, across rotations, until aborted.
import fs from 'node:fs';
import path from 'node:path';
import { ACTIVE_FILE, listRotatedNumbers, rotatedName } from './files.js';
import { matchesFilter, type AuditFilter } from './filter.js';
import { iterateAudit } from './read.js';
import type { AuditRecord } from './schema.js';
import { unsealLine } from './seal.js';
import { walkTrail } from './walk.js';

// The seq of a file's first record (read from its first 1 MiB), if it has one.
function firstSeq(file: string): number | undefined {
  const buf = Buffer.alloc(1024 * 1024);
  let n = 0;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      n = fs.readSync(fd, buf, 0, buf.length, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const nl = buf.subarray(0, n).indexOf(0x0a);
  const u = nl === -1 ? undefined : unsealLine(buf.subarray(0, nl));
  return u?.ok ? u.record.seq : undefined;
}

export interface FollowOptions {
  signal?: AbortSignal;
  /** Emit the records already in the trail first. Default true. */
  fromStart?: boolean;
  /** A fallback stat poll in case a watch event is missed. Default 1000 ms. */
  pollMs?: number;
  onWarning?: (message: string) => void;
}

// Calls `onRecord` for each matching record, old then new; resolves when the signal aborts.
export function followAudit(
  dir: string,
  filter: AuditFilter,
  onRecord: (rec: AuditRecord) => void,
  opts: FollowOptions = {},
): Promise<void> {
  const active = path.join(dir, ACTIVE_FILE);
  let lastSeq = 0;
  let fd = -1;
  let ino = -1;
  let offset = 0;
  let pending = Buffer.alloc(0);

  let catchingUp = false;
  const emit = (rec: AuditRecord): void => {
    if (rec.seq <= lastSeq) return;
    if (lastSeq > 0 && rec.seq !== lastSeq + 1 && !catchingUp) {
      // Records went by unseen (the writer rotated between listing the rotated files and opening the new active
      // one, perhaps more than once): they are in rotated files now, so emit them first, in order.
      catchingUp = true;
      try {
        catchUp();
      } finally {
        catchingUp = false;
      }
      if (rec.seq <= lastSeq) return;
    }
    if (lastSeq > 0 && rec.seq !== lastSeq + 1) {
      opts.onWarning?.(
        `records ${lastSeq + 1}..${rec.seq - 1} were not seen (run \`toolgate audit verify\`)`,
      );
    }
    lastSeq = rec.seq;
    if (matchesFilter(rec, filter)) onRecord(rec);
  };

  // Reads the open file from `offset` to its end, emitting each whole sealed line.
  const drain = (): void => {
    const chunk = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, offset);
      if (n === 0) break;
      offset += n;
      pending = Buffer.concat([pending, chunk.subarray(0, n)]);
      let nl = pending.indexOf(0x0a);
      while (nl !== -1) {
        const u = unsealLine(pending.subarray(0, nl));
        if (u.ok) emit(u.record);
        pending = pending.subarray(nl + 1);
        nl = pending.indexOf(0x0a);
      }
    }
  };

  // Emits records from rotated files newer than the last one seen (more than one rotation between looks, or a
  // gap seen by emit). A record already emitted is skipped, so running it twice is harmless.
  function catchUp(): void {
    const files = listRotatedNumbers(dir).map((n) => path.join(dir, rotatedName(n)));
    let from = files.length;
    while (from > 0) {
      from--;
      const first = firstSeq(files[from] as string);
      if (first !== undefined && first <= lastSeq + 1) break;
    }
    for (const e of walkTrail(files, from)) if (e.unsealed.ok) emit(e.unsealed.record);
  }

  const check = (): void => {
    try {
      checkOnce();
    } catch (e) {
      opts.onWarning?.(`cannot read ${active}: ${(e as Error).message}`);
    }
  };

  const checkOnce = (): void => {
    for (;;) {
      if (fd === -1) {
        try {
          fd = fs.openSync(active, 'r');
        } catch {
          return;
        }
        ino = fs.fstatSync(fd).ino;
        offset = 0;
        pending = Buffer.alloc(0);
        // Files rotated away before this open (since the last look, or while catching up) are listed only now:
        // their records come first. A file rotated after the open is the one being read, and is drained.
        catchUp();
      }
      drain();
      let now: number;
      try {
        now = fs.statSync(active).ino;
      } catch {
        return; // rotated, and the new file is not there yet
      }
      if (now === ino) return;
      drain(); // whatever was written before the rename
      fs.closeSync(fd);
      fd = -1; // the next turn opens the new active file and catches up from the files rotated meanwhile
    }
  };

  if (opts.fromStart ?? true) {
    for (const rec of iterateAudit(dir)) emit(rec);
  } else {
    for (const rec of iterateAudit(dir)) lastSeq = rec.seq;
  }

  return new Promise<void>((resolve) => {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const watcher = fs.watch(dir, () => check());
    const timer = setInterval(check, opts.pollMs ?? 1000);
    const stop = (): void => {
      watcher.close();
      clearInterval(timer);
      if (fd !== -1) fs.closeSync(fd);
      fd = -1;
      resolve();
    };
    check();
    if (opts.signal?.aborted) stop();
    else opts.signal?.addEventListener('abort', stop, { once: true });
  });
}
