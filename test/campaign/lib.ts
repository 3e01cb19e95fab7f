// Helpers for the fault campaign: private state directories with simulated workers (worker records written like
// src/workers/registry.ts), the real supervisor (`toolgate supervise --daemon`), the real gate hook fed payloads,
// and a direct writer of pending files + FIFOs (what the hook does) for corrupting them on purpose.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { execa } from 'execa';
import { createSlots } from '../../src/gate/slots.js';
import { statePaths } from '../../src/core/state.js';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const TOOLGATE = path.join(ROOT, 'bin/toolgate.js');
export const GATE = path.join(ROOT, 'plugin/hooks/gate');

export interface SimWorker {
  workerId: string;
  name: string;
  cwd: string;
}

export interface Env {
  dir: string;
  state: string;
  queue: string;
  env: Record<string, string>;
  workers: SimWorker[];
  /** Runs the real `toolgate` CLI against this state directory. */
  toolgate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  supervisorPid(): number | undefined;
  /** Stops the supervisor (if one runs). */
  stop(): Promise<void>;
  /** Removes the temp directory (unmount anything mounted inside it first). */
  remove(): void;
  close(): Promise<void>;
}

const SUBDIRS = ['queue', 'answers', 'slots', 'workers', 'events', 'audit'];

// A private temp dir with a state directory and `n` simulated workers. `beforeSubdirs` runs after the state root
// exists and before its subdirectories are made (e.g. to mount a tmpfs there).
export async function createEnv(
  n: number,
  o: { beforeSubdirs?: (state: string) => Promise<void> } = {},
): Promise<Env> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-campaign-'));
  fs.chmodSync(dir, 0o700);
  const state = path.join(dir, 'state');
  fs.mkdirSync(state, { mode: 0o700 });
  await o.beforeSubdirs?.(state);
  fs.chmodSync(state, 0o700);
  for (const s of SUBDIRS) fs.mkdirSync(path.join(state, s), { mode: 0o700, recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: path.join(dir, 'home'),
    LANG: 'C.UTF-8',
    TOOLGATE_STATE_DIR: state,
  };
  fs.mkdirSync(env.HOME!, { mode: 0o700 });
  const workers: SimWorker[] = [];
  for (let i = 0; i < n; i++) {
    const w = { workerId: randomUUID(), name: `sim${i}`, cwd: path.join(dir, `ws${i}`) };
    fs.mkdirSync(w.cwd);
    writeWorkerRecord(state, w);
    await createSlots(statePaths(state), w.workerId); // as `toolgate launch` does
    workers.push(w);
  }
  const toolgate = async (args: string[]) => {
    const r = await execa(process.execPath, [TOOLGATE, ...args], {
      env,
      extendEnv: false,
      reject: false,
      timeout: 60_000,
    });
    return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  return {
    dir,
    state,
    queue: path.join(state, 'queue'),
    env,
    workers,
    toolgate,
    supervisorPid: () => readPid(path.join(state, 'supervisor.pid')),
    async stop() {
      await toolgate(['supervise', '--stop']);
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
    async close() {
      await toolgate(['supervise', '--stop']);
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

export function writeWorkerRecord(state: string, w: SimWorker): void {
  const file = path.join(state, 'workers', `${w.workerId}.json`);
  const rec = {
    v: 1,
    name: w.name,
    worker_id: w.workerId,
    tmux_name: w.name,
    tmux_socket: null,
    cwd: w.cwd,
    events_file: path.join(state, 'events', `${w.workerId}.jsonl`),
    started_at: new Date().toISOString(),
    claude_bin: '/nonexistent/claude',
    claude_version: '0.0.0 (simulated)',
    policy: [],
    observe: false,
    invocation: [],
  };
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(rec, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

function readPid(file: string): number | undefined {
  try {
    const n = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

// Waits until a process that is not our child is gone (no event exists for that: /proc is polled every 50 ms).
export async function untilGone(pid: number, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() > end) throw new Error(`process ${pid} is still alive`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function pidAlive(pid: number): boolean {
  try {
    const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) Z /.test(st);
  } catch {
    return false;
  }
}

let seq = 0;
// A PreToolUse payload in Claude Code's field order (session_id first, tool_use_id last).
export function payload(
  w: SimWorker,
  tool: string,
  input: Record<string, unknown>,
): { callId: string; tuid: string; json: string } {
  const tuid = `toolu_c${process.pid}_${seq++}`;
  const p = {
    session_id: w.workerId,
    transcript_path: `/nonexistent/${w.workerId}.jsonl`,
    cwd: w.cwd,
    permission_mode: 'bypassPermissions',
    hook_event_name: 'PreToolUse',
    tool_name: tool,
    tool_input: input,
    tool_use_id: tuid,
  };
  return { callId: `${w.workerId}.${tuid}`, tuid, json: JSON.stringify(p) };
}

export const bash = (w: SimWorker, command: string) =>
  payload(w, 'Bash', { command, description: 'campaign' });

export interface HookResult {
  code: number | null;
  out: string;
  pid: number;
  /** The hook's decision, parsed from its one line of output. */
  decision?: string;
  reason?: string;
}

// Runs the real gate hook once with `json` on stdin, as a worker's Claude Code would (env of a toolgate worker).
export function runHook(
  e: Env,
  w: SimWorker,
  json: string,
  extraEnv: Record<string, string> = {},
): { pid: number; done: Promise<HookResult> } {
  const child = spawn(GATE, [], {
    env: {
      PATH: e.env.PATH,
      TOOLGATE_STATE_DIR: e.state,
      TOOLGATE_WORKER_ID: w.workerId,
      TOOLGATE_WORKER: w.name,
      ...extraEnv,
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stdin!.on('error', () => {});
  child.stdin!.end(json);
  const done = new Promise<HookResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, pid: child.pid!, ...parseDecision(out) }));
  });
  return { pid: child.pid!, done };
}

export function parseDecision(out: string): { decision?: string; reason?: string } {
  const lines = out.split('\n').filter(Boolean);
  if (lines.length !== 1) return {};
  try {
    const h = JSON.parse(lines[0]!).hookSpecificOutput;
    return h?.hookEventName === 'PreToolUse'
      ? { decision: h.permissionDecision, reason: h.permissionDecisionReason }
      : {};
  } catch {
    return {};
  }
}

// Resolves when `test()` is true, re-checking on every change in `dir` (fs.watch) and at once.
export function until<T>(
  dir: string,
  test: () => T | undefined | false,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<T> {
  return new Promise((resolve, reject) => {
    const h: { w?: fs.FSWatcher } = {};
    const finish = (v?: T, err?: Error) => {
      clearTimeout(t);
      h.w?.close();
      if (err) reject(err);
      else resolve(v as T);
    };
    const look = () => {
      const v = test();
      if (v) finish(v);
    };
    const t = setTimeout(() => finish(undefined, new Error(`timed out waiting for ${what}`)), timeoutMs);
    h.w = fs.watch(dir, look);
    look();
  });
}

export function queueFiles(e: Env): string[] {
  return fs.readdirSync(e.queue);
}

export function auditRecords(e: Env): Array<Record<string, unknown>> {
  const dir = path.join(e.state, 'audit');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl') && !f.startsWith('checkpoint'))
    .sort()
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

// Waits for an audit record matching `match` (watching the audit directory).
export function auditRecord(
  e: Env,
  match: (r: Record<string, unknown>) => boolean,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  return until(path.join(e.state, 'audit'), () => auditRecords(e).find(match), timeoutMs, 'an audit record');
}

/** A call published directly (FIFO + pending file), as the hook does, with any pending-file content. */
export async function publishRaw(
  e: Env,
  callId: string,
  content: string | Buffer,
): Promise<{ decision: Promise<string> }> {
  const fifo = path.join(e.queue, `${callId}.fifo`);
  await execa('mkfifo', ['-m', '600', fifo]);
  const fd = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
  const sock = new net.Socket({ fd, readable: true, writable: false });
  const decision = new Promise<string>((resolve, reject) => {
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      for (const line of buf.split('\n').slice(0, -1)) {
        if (line.startsWith(`${callId} `)) {
          sock.destroy();
          resolve(line.slice(callId.length + 1));
        }
      }
    });
    sock.on('error', reject);
  });
  const tmp = path.join(e.queue, `.gate.raw.${seq++}.tmp`);
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  fs.renameSync(tmp, path.join(e.queue, `${callId}.tool-pending`));
  return { decision };
}

// The pending file the hook would write for this payload.
export function pendingJson(w: SimWorker, json: string, o: { hookPid?: number } = {}): string {
  const ts = Date.now() * 1000;
  return `{"v":1,"worker_id":"${w.workerId}","worker":"${w.name}","hook_pid":${o.hookPid ?? process.pid},"ts_us":${ts},"deadline_us":${ts + 1_860_000_000},"payload":${json}}\n`;
}

// Processes (other than `except`) whose environment names this state directory: leaked hooks or supervisors.
export function processesOf(e: Env, except: number[] = []): number[] {
  const out: number[] = [];
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || except.includes(Number(p))) continue;
    try {
      if (fs.readFileSync(`/proc/${p}/environ`, 'utf8').split('\0').includes(`TOOLGATE_STATE_DIR=${e.state}`))
        out.push(Number(p));
    } catch {
      /* gone or not ours */
    }
  }
  return out;
}

export async function mount(args: string[]): Promise<void> {
  await execa('mount', args);
}

export async function umount(target: string): Promise<void> {
  await execa('umount', [target], { reject: false });
}
