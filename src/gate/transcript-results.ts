// Follows workers' transcripts (one at a time per worker) and hands each new complete line to the supervisor,
// which reads tool results from them: post_tool_use events without a hook process on every tool call, and the
// answers people give in a worker's own confirmation dialog.
import fs from 'node:fs';
import { watchFile, type Watch } from '../workers/file-watch.js';

/** One tool result seen in a transcript. */
export interface ToolResult {
  toolUseId: string;
  isError: boolean;
}

interface Followed {
  file: string;
  offset: number;
  rest: string;
  watch: Watch;
}

// Pulls the tool results out of one transcript line (a `user` record holding tool_result blocks).
export function toolResultsOf(line: string): ToolResult[] {
  if (!line.includes('"tool_result"')) return [];
  let rec: { type?: string; isSidechain?: boolean; message?: { content?: unknown } };
  try {
    rec = JSON.parse(line);
  } catch {
    return [];
  }
  if (rec.type !== 'user' || rec.isSidechain || !Array.isArray(rec.message?.content)) return [];
  const out: ToolResult[] = [];
  for (const b of rec.message.content as { type?: string; tool_use_id?: unknown; is_error?: unknown }[]) {
    if (b?.type === 'tool_result' && typeof b.tool_use_id === 'string') {
      out.push({ toolUseId: b.tool_use_id, isError: b.is_error === true });
    }
  }
  return out;
}

export class TranscriptResults {
  private readonly followed = new Map<string, Followed>();

  constructor(private readonly onLine: (workerId: string, line: string) => void) {}

  // Starts following `file` for a worker from its current end (a new transcript after /clear replaces the old one).
  follow(workerId: string, file: string): void {
    const cur = this.followed.get(workerId);
    if (cur?.file === file) return;
    cur?.watch.close();
    let offset = 0;
    try {
      offset = fs.statSync(file).size;
    } catch {
      /* not written yet: read from the start once it appears */
    }
    const f: Followed = { file, offset, rest: '', watch: { close: () => undefined } };
    this.followed.set(workerId, f);
    f.watch = watchFile(file, () => this.read(workerId, f));
  }

  // Reads what the worker's transcript gained now (e.g. just before its session ends).
  flush(workerId: string): void {
    const f = this.followed.get(workerId);
    if (f) this.read(workerId, f);
  }

  unfollow(workerId: string): void {
    this.followed.get(workerId)?.watch.close();
    this.followed.delete(workerId);
  }

  close(): void {
    for (const id of [...this.followed.keys()]) this.unfollow(id);
  }

  private read(workerId: string, f: Followed): void {
    let fd: number;
    try {
      fd = fs.openSync(f.file, 'r');
    } catch {
      return;
    }
    try {
      const size = fs.fstatSync(fd).size;
      while (f.offset < size) {
        const buf = Buffer.alloc(Math.min(size - f.offset, 1 << 20));
        const n = fs.readSync(fd, buf, 0, buf.length, f.offset);
        if (n <= 0) break;
        f.offset += n;
        const parts = (f.rest + buf.subarray(0, n).toString('utf8')).split('\n');
        f.rest = parts.pop() ?? '';
        for (const line of parts) if (line) this.onLine(workerId, line);
      }
    } finally {
      fs.closeSync(fd);
    }
  }
}
