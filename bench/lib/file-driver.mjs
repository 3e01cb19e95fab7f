// Simulated workers for the supervisor benchmarks: worker records written like src/workers/registry.ts does, and
// tool calls made through the gate's file protocol either by the real gate hook (one bash process per call) or
// by a Node driver that does exactly what the hook does, without the process:
//   1. a FIFO (made ahead of time with mkfifo in a staging directory, renamed into the queue as <id>.fifo) opened
//      read-write, as the hook's `exec 3<>"$fifo"`;
//   2. the pending JSON, byte for byte the hook's format, written to queue/.gate.<pid>.<n>.tmp, then published by
//      the empty marker <sid>.<tuid>.<pid>-<n>.tool-ready (the supervisor links the temp file to .tool-pending);
//      the driver's calls use their own FIFO, as the hook does when every answer slot of its worker is taken;
//   3. the decision line `<id> {...}` read from the FIFO (epoll through a net.Socket, no thread pool).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { GATE_HOOK, nowUs, run } from './common.mjs';

// A worker record as src/workers/registry.ts saves it (temp file + rename).
export function writeWorkerRecord(stateDir, { workerId, name, cwd }) {
  const dir = path.join(stateDir, 'workers');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const rec = {
    v: 1,
    name,
    worker_id: workerId,
    tmux_name: name,
    tmux_socket: null,
    cwd,
    events_file: path.join(stateDir, 'events', `${workerId}.jsonl`),
    started_at: new Date().toISOString(),
    claude_bin: '/nonexistent/claude',
    claude_version: '0.0.0 (simulated)',
    policy: [],
    observe: false,
    invocation: [],
  };
  const file = path.join(dir, `${workerId}.json`);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(rec, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
  return rec;
}

// `n` simulated workers (records written), each with its own workspace directory under `root`.
export function makeWorkers(stateDir, root, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const workerId = randomUUID();
    const cwd = path.join(root, `ws${i}`);
    fs.mkdirSync(cwd, { recursive: true });
    writeWorkerRecord(stateDir, { workerId, name: `sim${i}`, cwd });
    out.push({ workerId, name: `sim${i}`, cwd, seq: 0 });
  }
  return out;
}

/** The call mix: mostly allowed (read-only commands, reads and edits in the workspace), some denied. */
export function callFor(worker, k) {
  const tuid = `toolu_${worker.name}_${k}_${Math.random().toString(36).slice(2, 10)}`;
  const m = k % 10;
  let tool_name = 'Bash';
  let tool_input;
  if (m < 4)
    tool_input = {
      command: ['true', 'ls -la', 'git status', 'grep -rn TODO src | head -20'][k % 4],
      description: 'x',
    };
  else if (m < 6) tool_input = { file_path: path.join(worker.cwd, `f${k % 7}.txt`) };
  else if (m < 8)
    tool_input = { file_path: path.join(worker.cwd, `out${k % 5}.txt`), content: 'hello\n'.repeat(50) };
  else if (m === 8) tool_input = { command: 'cat ~/.ssh/id_rsa', description: 'x' };
  else
    tool_input = {
      command: `echo build ${k} > ${worker.cwd}/log.txt && wc -l ${worker.cwd}/log.txt`,
      description: 'x',
    };
  if (m >= 4 && m < 6) tool_name = 'Read';
  if (m >= 6 && m < 8) tool_name = 'Write';
  // Claude Code's field order: session_id first, tool_use_id last (the hook finds them there).
  const payload = {
    session_id: worker.workerId,
    transcript_path: `/root/.claude/projects/-sim/${worker.workerId}.jsonl`,
    cwd: worker.cwd,
    permission_mode: 'bypassPermissions',
    hook_event_name: 'PreToolUse',
    tool_name,
    tool_input,
    tool_use_id: tuid,
  };
  return { callId: `${worker.workerId}.${tuid}`, payload: JSON.stringify(payload) };
}

// Makes `n` FIFOs in `dir` (mkfifo in batches), named 0..n-1.
export async function makeFifos(dir, n) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (let i = 0; i < n; i += 500) {
    const names = [];
    for (let j = i; j < Math.min(n, i + 500); j++) names.push(path.join(dir, String(j)));
    const r = await run('mkfifo', ['-m', '600', ...names]);
    if (r.code !== 0) throw new Error(`mkfifo: ${r.stderr}`);
  }
}

let seq = 1; // temp file and ready marker numbers, unique in this process

/** Node driver: one call through the file protocol; resolves with the decision line and its timings (µs). */
export class FileDriver {
  constructor(stateDir, fifoDir) {
    this.queue = path.join(stateDir, 'queue');
    this.fifoDir = fifoDir;
    this.nextFifo = 0;
  }

  call(worker, { callId, payload }, timeoutMs = 60_000) {
    const fifo = path.join(this.queue, `${callId}.fifo`);
    fs.renameSync(path.join(this.fifoDir, String(this.nextFifo++)), fifo);
    const fd = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    const sock = new net.Socket({ fd, readable: true, writable: false });
    const n = seq++;
    const tmp = path.join(this.queue, `.gate.${process.pid}.${n}.tmp`);
    return new Promise((resolve, reject) => {
      let buf = '';
      let publishUs = 0;
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error(`no decision for ${callId} within ${timeoutMs} ms`));
      }, timeoutMs);
      sock.on('data', (d) => {
        buf += d.toString('utf8');
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (!line.startsWith(`${callId} `)) continue;
          const readUs = nowUs();
          clearTimeout(timer);
          sock.destroy();
          resolve({ line: line.slice(callId.length + 1), publishUs, readUs });
          return;
        }
      });
      sock.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      const ts = Math.round(nowUs());
      const body = `{"v":1,"worker_id":"${worker.workerId}","worker":"${worker.name}","hook_pid":${process.pid},"ts_us":${ts},"deadline_us":${ts + 1_860_000_000},"payload":${payload}}\n`;
      fs.writeFileSync(tmp, body, { mode: 0o600 });
      publishUs = nowUs();
      fs.closeSync(
        fs.openSync(path.join(this.queue, `${callId}.${process.pid}-${n}.tool-ready`), 'wx', 0o600),
      );
    });
  }
}

// The real gate hook for one call (spawned directly, stdin = the payload); resolves with its stdout and timings.
export function hookCall(stateDir, worker, { payload }, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const t0 = nowUs();
    const child = spawn(GATE_HOOK, [], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        TOOLGATE_STATE_DIR: stateDir,
        TOOLGATE_WORKER_ID: worker.workerId,
        TOOLGATE_WORKER: worker.name,
        ...extraEnv,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, pid: child.pid, startUs: t0, endUs: nowUs() }));
    child.stdin.on('error', () => {});
    child.stdin.end(payload);
  });
}

// Peak and current resident set of a process, in MiB (VmHWM, VmRSS from /proc/<pid>/status).
export function memOf(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
    return { hwmMiB: kb('VmHWM') / 1024, rssMiB: kb('VmRSS') / 1024 };
  } catch {
    return { hwmMiB: NaN, rssMiB: NaN };
  }
}

// CPU time (user+sys, ms) a process has used so far, from /proc/<pid>/stat.
export function cpuMsOf(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}
