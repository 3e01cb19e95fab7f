// A worker's events file: one JSON object per line ({seq, ts, event, ...}), read, filtered, tailed and awaited.
import fs from 'node:fs';
import { ToolgateError } from '../core/errors.js';
import { watchFile } from './file-watch.js';

export const EVENT_NAMES = [
  'session_start',
  'user_prompt_submit',
  'pre_tool_use',
  'post_tool_use',
  'stop',
  'stop_failure',
  'session_end',
  'notification',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export interface WorkerEvent {
  seq: number;
  ts: string;
  event: EventName;
  [field: string]: unknown;
}

/** An event with its 1-based line number in the events file. */
export interface NumberedEvent {
  line: number;
  event: WorkerEvent;
}

// Rejects an event name that no hook emits, listing the valid ones.
export function validateEventName(name: string): EventName {
  if ((EVENT_NAMES as readonly string[]).includes(name)) return name as EventName;
  throw new ToolgateError('USAGE', `unknown event "${name}"`, {
    hint: `events are: ${EVENT_NAMES.join(', ')}`,
  });
}

function parseLine(text: string): WorkerEvent | undefined {
  try {
    const v = JSON.parse(text) as WorkerEvent;
    return v && typeof v === 'object' && typeof v.event === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Reads complete lines from a growing file, remembering where it stopped. */
export class EventTail {
  private offset = 0;
  private lineNo = 0;
  private rest = '';
  constructor(private readonly file: string) {}

  // New complete events since the last call (a torn last line waits for its newline).
  read(): NumberedEvent[] {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return [];
    }
    const out: NumberedEvent[] = [];
    try {
      const size = fs.fstatSync(fd).size;
      if (size < this.offset) {
        this.offset = 0;
        this.lineNo = 0;
        this.rest = '';
      }
      while (this.offset < size) {
        const buf = Buffer.alloc(Math.min(size - this.offset, 1 << 20));
        const n = fs.readSync(fd, buf, 0, buf.length, this.offset);
        if (n <= 0) break;
        this.offset += n;
        const parts = (this.rest + buf.subarray(0, n).toString('utf8')).split('\n');
        this.rest = parts.pop() ?? '';
        for (const p of parts) {
          this.lineNo++;
          const ev = parseLine(p);
          if (ev) out.push({ line: this.lineNo, event: ev });
        }
      }
    } finally {
      fs.closeSync(fd);
    }
    return out;
  }

  /** Complete lines read so far. */
  get lines(): number {
    return this.lineNo;
  }
}

// Every complete event in the file, numbered.
export function readEvents(file: string): NumberedEvent[] {
  return new EventTail(file).read();
}

// The number of complete lines in the file now: the baseline for "after this point".
export function countLines(file: string): number {
  const t = new EventTail(file);
  t.read();
  return t.lines;
}

export interface WaitOptions {
  afterLine: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Extra wake-up sources (e.g. the transcript file); `check` runs on each of their changes too. */
  alsoWatch?: string[];
  /** Checked on every wake-up; a non-undefined result ends the wait with that value. */
  check?: () => NumberedEvent | undefined;
}

// Waits until an event after `afterLine` satisfies `match`; rejects with TIMEOUT (exit 124) when time runs out.
export function waitForEvent(
  file: string,
  match: (e: WorkerEvent) => boolean,
  opts: WaitOptions,
): Promise<NumberedEvent> {
  return new Promise((resolve, reject) => {
    const tail = new EventTail(file);
    const watches = [file, ...(opts.alsoWatch ?? [])];
    let done = false;
    const closers: { close(): void }[] = [];
    const finish = (err: Error | undefined, value?: NumberedEvent) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      closers.forEach((c) => c.close());
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(value!);
    };
    const scan = () => {
      if (done) return;
      for (const ne of tail.read()) {
        if (ne.line > opts.afterLine && match(ne.event)) return finish(undefined, ne);
      }
      const extra = opts.check?.();
      if (extra) finish(undefined, extra);
    };
    const onAbort = () => finish(new ToolgateError('INTERNAL', 'wait aborted'));
    const timer = setTimeout(
      () =>
        finish(
          new ToolgateError('TIMEOUT', `no matching event within ${Math.round(opts.timeoutMs / 1000)}s`, {
            hint: `wait again with --after-line ${Math.max(opts.afterLine, tail.lines)}, or raise --timeout`,
            details: { retry_after_line: Math.max(opts.afterLine, tail.lines) },
          }),
        ),
      opts.timeoutMs,
    );
    opts.signal?.addEventListener('abort', onAbort);
    try {
      for (const w of watches) closers.push(watchFile(w, scan));
    } catch (e) {
      return finish(new ToolgateError('INTERNAL', `cannot watch ${file}: ${(e as Error).message}`));
    }
    scan();
  });
}
