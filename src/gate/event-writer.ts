// The only writer of events files: numbers each worker's events in order and appends one JSON line each.
import fs from 'node:fs';
import path from 'node:path';
import { readEvents } from '../workers/events.js';

const MAX_TEXT = 4096;
const MAX_LAST_MESSAGE = 65536;

// Cuts a string to `max` characters, saying how much was cut.
export function cutText(s: string, max = MAX_TEXT): string {
  return s.length <= max ? s : `${s.slice(0, max)}…[cut ${s.length - max} chars]`;
}

// A tool input with every long string cut, so events stay small whatever the call carried.
export function cutInput(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return cutText(v, 2048);
  if (depth > 6) return '…';
  if (Array.isArray(v)) return v.slice(0, 100).map((x) => cutInput(x, depth + 1));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v).slice(0, 100)) out[k] = cutInput(x, depth + 1);
    return out;
  }
  return v;
}

type Payload = Record<string, unknown>;
const str = (p: Payload, k: string) => (typeof p[k] === 'string' ? (p[k] as string) : undefined);

// The recorded fields of each lifecycle event, from its hook payload.
export function eventFields(event: string, p: Payload): Record<string, unknown> {
  const base = { session_id: str(p, 'session_id') };
  switch (event) {
    case 'session_start':
      return {
        ...base,
        cwd: str(p, 'cwd'),
        transcript_path: str(p, 'transcript_path'),
        source: str(p, 'source'),
      };
    case 'user_prompt_submit':
      return { ...base, prompt: cutText(str(p, 'prompt') ?? ''), prompt_id: str(p, 'prompt_id') };
    case 'post_tool_use':
    case 'post_tool_use_failure':
      return {
        ...base,
        tool: str(p, 'tool_name'),
        tool_use_id: str(p, 'tool_use_id'),
        ok: event === 'post_tool_use',
        ...(event === 'post_tool_use_failure' ? { error: cutText(str(p, 'error') ?? '', 1024) } : {}),
      };
    case 'stop':
      return {
        ...base,
        transcript_path: str(p, 'transcript_path'),
        prompt_id: str(p, 'prompt_id'),
        last_assistant_message: cutText(str(p, 'last_assistant_message') ?? '', MAX_LAST_MESSAGE),
      };
    case 'stop_failure':
      return {
        ...base,
        transcript_path: str(p, 'transcript_path'),
        error: cutText(String(p.error ?? ''), 2048),
        error_details: cutText(String(p.error_details ?? ''), 2048),
        last_assistant_message: cutText(str(p, 'last_assistant_message') ?? '', MAX_LAST_MESSAGE),
      };
    case 'session_end':
      return { ...base, reason: str(p, 'reason') };
    case 'notification':
      return {
        ...base,
        message: cutText(str(p, 'message') ?? '', 1024),
        notification_type: str(p, 'notification_type'),
      };
    default:
      return base;
  }
}

export class EventWriter {
  private readonly seqs = new Map<string, number>();
  constructor(private readonly eventsDir: string) {}

  file(workerId: string): string {
    return path.join(this.eventsDir, `${workerId}.jsonl`);
  }

  private nextSeq(workerId: string): number {
    let seq = this.seqs.get(workerId);
    if (seq === undefined) {
      const existing = readEvents(this.file(workerId));
      seq = existing.length ? Number(existing[existing.length - 1]!.event.seq) || existing.length : 0;
    }
    seq++;
    this.seqs.set(workerId, seq);
    return seq;
  }

  // Appends one event with the next sequence number; `tsUs` is when the hook saw it (microseconds).
  append(workerId: string, event: string, tsUs: number, fields: Record<string, unknown>): void {
    const name = event === 'post_tool_use_failure' ? 'post_tool_use' : event;
    const line = JSON.stringify({
      seq: this.nextSeq(workerId),
      ts: new Date(Math.floor(tsUs / 1000)).toISOString(),
      event: name,
      ...fields,
    });
    fs.appendFileSync(this.file(workerId), line + '\n', { mode: 0o600 });
  }

  forget(workerId: string): void {
    this.seqs.delete(workerId);
  }
}
