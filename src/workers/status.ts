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

/** What a worker's events alone say about it. */
export type EventState = 'idle' | 'in-turn' | 'terminated' | 'unknown';

// Classifies by the last event that marks a turn boundary. post_tool_use and notification come from async hooks
// and may land after the turn's stop, so they say nothing about whether the worker is in a turn.
export function stateFromEvents(events: WorkerEvent[]): EventState {
  const last = [...events].reverse().find((e) => e.event !== 'notification' && e.event !== 'post_tool_use');
  switch (last?.event) {
    case undefined:
      return 'unknown';
    case 'session_end':
      return 'terminated';
    case 'stop':
    case 'stop_failure':
    case 'session_start':
      return 'idle';
    case 'user_prompt_submit':
    case 'pre_tool_use':
      return 'in-turn';
    default:
      return 'unknown';
  }
}

// Classifies the worker: gone (no tmux session), terminated, awaiting-decision, working, idle, or unknown.
export async function workerStatus(s: StatePaths, rec: WorkerRecord): Promise<WorkerStatus> {
  if (!(await hasSession(tmuxOn(rec.tmux_socket), rec.tmux_name))) return 'gone';
  const events = readEvents(rec.events_file).map((e) => e.event);
  const state = stateFromEvents(events);
  if (state !== 'in-turn') return state;
  if (pendingCallsOf(s, rec.worker_id).length) return 'awaiting-decision';
  const turn = lastTurn(readTranscriptIfAny(transcriptOf(events)));
  return turn && turnInterrupted(turn) ? 'idle' : 'working';
}
