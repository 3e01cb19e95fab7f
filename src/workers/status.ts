// A worker's state from what can be observed: its tmux session, its events, pending calls and its transcript.
import fs from 'node:fs';
import type { StatePaths } from '../core/state.js';
import { readEvents, type WorkerEvent } from './events.js';
import type { WorkerRecord } from './registry.js';
import { hasSession, tmuxOn } from './tmux.js';
import { lastTurn, readTranscript, turnInterrupted } from './transcript.js';
import { readJsonFile } from '../core/fsx.js';
import path from 'node:path';

export type WorkerStatus = 'idle' | 'working' | 'awaiting-decision' | 'terminated' | 'gone' | 'unknown';

// The transcript path the worker's hooks reported (the newest one: /clear starts a new transcript).
export function transcriptOf(events: WorkerEvent[]): string | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const t = events[i]!.transcript_path;
    if (typeof t === 'string' && t) return t;
  }
  return undefined;
}

// The transcript's records, or none when it does not exist yet (Claude Code writes it after the first prompt).
export function readTranscriptIfAny(file: string | undefined): ReturnType<typeof readTranscript> {
  if (!file) return [];
  try {
    return readTranscript(file);
  } catch {
    return [];
  }
}

// Calls of this worker that wait for a decision now.
export function pendingCallsOf(s: StatePaths, workerId: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(s.queue);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.tool-pending'))
    .filter((n) => readJsonFile<{ worker_id?: string }>(path.join(s.queue, n))?.worker_id === workerId)
    .map((n) => n.slice(0, -'.tool-pending'.length));
}

// Classifies the worker: gone (no tmux session), terminated, awaiting-decision, working, idle, or unknown.
export async function workerStatus(s: StatePaths, rec: WorkerRecord): Promise<WorkerStatus> {
  if (!(await hasSession(tmuxOn(rec.tmux_socket), rec.tmux_name))) return 'gone';
  const events = readEvents(rec.events_file).map((e) => e.event);
  const last = [...events].reverse().find((e) => e.event !== 'notification');
  if (!last) return 'unknown';
  switch (last.event) {
    case 'session_end':
      return 'terminated';
    case 'stop':
    case 'stop_failure':
    case 'session_start':
      return 'idle';
    case 'user_prompt_submit':
    case 'pre_tool_use':
    case 'post_tool_use': {
      if (pendingCallsOf(s, rec.worker_id).length) return 'awaiting-decision';
      const t = transcriptOf(events);
      const turn = lastTurn(readTranscriptIfAny(t));
      return turn && turnInterrupted(turn) ? 'idle' : 'working';
    }
    default:
      return 'unknown';
  }
}
