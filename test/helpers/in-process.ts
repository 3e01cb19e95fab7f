// For tests that run the supervisor (or hooks) in-process: a private state directory with one worker record, and a
// decider that allows everything.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { ensureState, type StatePaths } from '../../src/core/state.js';
import { saveWorker } from '../../src/workers/registry.js';
import type { Decider } from '../../src/gate/decider.js';
import type { Decision } from '../../src/policy/types.js';

export interface TestState {
  dir: string;
  s: StatePaths;
}

// A temp dir holding `state/` (made as the CLI makes it) and the record of worker `workerId` named `name`, whose
// workspace is the temp dir itself.
export function stateWithWorker(prefix: string, workerId: string, name = 'w1'): TestState {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const s = ensureState({ TOOLGATE_STATE_DIR: path.join(dir, 'state') });
  saveWorker(s, {
    v: 1,
    name,
    worker_id: workerId,
    tmux_name: name,
    tmux_socket: null,
    cwd: dir,
    events_file: path.join(s.events, `${workerId}.jsonl`),
    started_at: new Date().toISOString(),
    claude_bin: '/bin/true',
    claude_version: '2.1.330',
    policy: [],
    observe: false,
    invocation: [],
  });
  return { dir, s };
}

/** An allow decision as the policy engine would give it (rule `test-allow`). */
export const allowed = (): Decision => ({
  verdict: 'allow',
  rule: 'test-allow',
  reason: 'ok',
  trace: [],
  revision: 'r1',
  observe: false,
  rateKeys: [],
});

/** A decider that allows every call. */
export const allowAll: Decider = { decide: allowed, problems: () => [], close: () => undefined };

// Publishes a Bash call the way a hook of `workerId` (named `worker`) would, as `<session>.<toolUseId>` with its
// own FIFO opened read-write, and returns that FIFO's fd. `payload` fields override the defaults.
export async function publishCall(
  t: TestState,
  o: {
    workerId: string;
    worker: string;
    sessionId: string;
    toolUseId: string;
    payload?: Record<string, unknown>;
  },
): Promise<number> {
  const id = `${o.sessionId}.${o.toolUseId}`;
  const fifo = path.join(t.s.queue, `${id}.fifo`);
  await execa('mkfifo', ['-m', '600', fifo]);
  const fd = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
  const pending = {
    v: 1,
    worker_id: o.workerId,
    worker: o.worker,
    hook_pid: process.pid,
    ts_us: Date.now() * 1000,
    deadline_us: (Date.now() + 600_000) * 1000,
    payload: {
      session_id: o.sessionId,
      cwd: t.dir,
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command: 'ls' },
      tool_use_id: o.toolUseId,
      ...o.payload,
    },
  };
  const tmp = path.join(t.s.queue, `.${id}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(pending));
  fs.renameSync(tmp, path.join(t.s.queue, `${id}.tool-pending`));
  return fd;
}

/** The decision the supervisor writes to a hook's answer FIFO (opened non-blocking as `fd`), read as the hook would. */
export async function readDecision(fd: number, ms = 10_000): Promise<{ decision: string; reason: string }> {
  const buf = Buffer.alloc(16384);
  const end = Date.now() + ms;
  for (;;) {
    try {
      const got = fs.readSync(fd, buf, 0, buf.length, null);
      const line = buf.subarray(0, got).toString('utf8').trim();
      const out = JSON.parse(line.slice(line.indexOf(' ') + 1)).hookSpecificOutput;
      return { decision: out.permissionDecision, reason: out.permissionDecisionReason };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      if (Date.now() > end) throw new Error('no decision');
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

/** Resolves once `cond` holds (polled: in-process state has no event to await); throws after `ms`. */
export async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition never held');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Writes a person's answer to call `id` as `toolgate approve` does (temp file, then rename). */
export function writeAnswer(s: StatePaths, id: string, a: Record<string, unknown>): void {
  const tmp = path.join(s.answers, `.${id}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify({ v: 1, call: id, by: 'ann', ts: Date.now(), ...a }));
  fs.renameSync(tmp, path.join(s.answers, `${id}.answer`));
}
