// One exchange with a worker: send a prompt, wait for the end of that turn, return the reply.
import fs from 'node:fs';
import { ToolgateError } from '../core/errors.js';
import type { StatePaths } from '../core/state.js';
import { readEvents, waitForEvent, type NumberedEvent } from './events.js';
import type { WorkerRecord } from './registry.js';
import { watchFile } from './file-watch.js';
import { sendPrompt } from './send.js';
import { readTranscriptIfAny, transcriptOf } from './status.js';
import {
  finalAssistantText,
  lastTurn,
  parseTranscript,
  renderTurnMarkdown,
  turnInterrupted,
} from './transcript.js';

export interface ConverseOptions {
  timeoutMs: number;
  withTurn: boolean;
}

const TURN_END = new Set(['stop', 'stop_failure', 'session_end']);

// Waits for the end of the turn that started after `baseline`: stop, stop_failure, session_end, or an interrupt.
// The transcript is read from `transcriptBytesAtSend` on: only what this turn wrote, so a long session's transcript
// is not parsed again on every change (that held up the reply now and then).
export async function waitForTurnEnd(
  rec: WorkerRecord,
  baseline: number,
  timeoutMs: number,
  transcriptBytesAtSend: number,
): Promise<NumberedEvent | 'interrupted'> {
  const transcript = transcriptOf(readEvents(rec.events_file).map((e) => e.event));
  let interrupted = false;
  const check = (): NumberedEvent | undefined => {
    const records = transcript ? parseTranscript(completeLinesFrom(transcript, transcriptBytesAtSend)) : [];
    if (!records.length) return undefined;
    const turn = lastTurn(records);
    if (turn && turnInterrupted(turn)) {
      interrupted = true;
      return { line: -1, event: { seq: -1, ts: new Date().toISOString(), event: 'stop' } };
    }
    return undefined;
  };
  const end = await waitForEvent(rec.events_file, (e) => TURN_END.has(e.event), {
    afterLine: baseline,
    timeoutMs,
    alsoWatch: transcript ? [transcript] : [],
    check,
  });
  return interrupted ? 'interrupted' : end;
}

// The transcript's last turn once its final text is `finalText` (or whatever is there when `timeoutMs` runs out).
export function awaitTurnWith(
  file: string | undefined,
  finalText: string,
  timeoutMs: number,
): Promise<ReturnType<typeof lastTurn>> {
  const current = () => lastTurn(readTranscriptIfAny(file));
  const done = (t: ReturnType<typeof lastTurn>) => !!t && finalAssistantText(t).trim() === finalText.trim();
  const now = current();
  if (!file || done(now)) return Promise.resolve(now);
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      w.close();
      resolve(current());
    };
    const w = watchFile(file, () => {
      if (done(current())) finish();
    });
    const timer = setTimeout(finish, timeoutMs);
  });
}

export async function converse(
  s: StatePaths,
  rec: WorkerRecord,
  text: string,
  o: ConverseOptions,
): Promise<string> {
  const transcript = transcriptOf(readEvents(rec.events_file).map((e) => e.event));
  const bytesAtSend = fileSize(transcript);
  const started = Date.now();
  const sent = await sendPrompt(s, rec, text, {
    queue: false,
    submitTimeoutMs: Math.min(o.timeoutMs, 10_000),
    retryMs: 2000,
  });
  const end = await waitForTurnEnd(
    rec,
    sent.baseline,
    Math.max(1, o.timeoutMs - (Date.now() - started)),
    bytesAtSend,
  );
  if (end === 'interrupted') {
    throw new ToolgateError('INTERNAL', `worker "${rec.name}"'s turn was interrupted before it finished`, {
      hint: `see what happened with \`toolgate turn ${rec.name}\``,
    });
  }
  const ev = end.event;
  if (ev.event === 'session_end') {
    throw new ToolgateError(
      'WORKER_GONE',
      `worker "${rec.name}" ended its session (${String(ev.reason ?? 'unknown reason')}) during the turn`,
      {
        hint: 'launch a new worker',
      },
    );
  }
  if (ev.event === 'stop_failure') {
    throw new ToolgateError(
      'INTERNAL',
      `worker "${rec.name}"'s turn failed: ${String(ev.error ?? 'unknown error')}`,
      {
        hint: `the worker stays usable; see \`toolgate turn ${rec.name}\``,
      },
    );
  }
  const path = typeof ev.transcript_path === 'string' ? ev.transcript_path : transcript;
  if (o.withTurn) {
    // Claude Code may fire Stop before it has written the turn's last records: wait for the reply to be there.
    const last = typeof ev.last_assistant_message === 'string' ? ev.last_assistant_message : '';
    const turn = await awaitTurnWith(path, last, 3000);
    if (!turn)
      throw new ToolgateError('TRANSCRIPT', 'the turn is not in the transcript', {
        hint: `transcript: ${path ?? 'unknown'}`,
      });
    return renderTurnMarkdown(turn, { full: false });
  }
  const last = typeof ev.last_assistant_message === 'string' ? ev.last_assistant_message : undefined;
  if (last !== undefined && !/…\[cut \d+ chars\]$/.test(last)) return last;
  const turn = lastTurn(readTranscriptIfAny(path));
  return turn ? finalAssistantText(turn) : '';
}

function fileSize(file: string | undefined): number {
  if (!file) return 0;
  return fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
}

// The complete lines a file holds from byte `from` on ('' when there are none or it cannot be read).
function completeLinesFrom(file: string, from: number): string {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size <= from) return '';
    const buf = Buffer.alloc(size - from);
    const n = fs.readSync(fd, buf, 0, buf.length, from);
    const text = buf.subarray(0, n).toString('utf8');
    return text.slice(0, text.lastIndexOf('\n') + 1);
  } finally {
    fs.closeSync(fd);
  }
}
