// A stand-in supervisor for bench/gate-hook-alone.mjs: answers every call marked ready in a state directory with
// "allow" as fast as it can, so the gate hook's own cost and the watcher's delay can be told apart from the
// real supervisor's work. Logs per call: when the hook stamped the pending file (ts_us), when the watcher
// reported it, and when the decision was written to the FIFO.
// usage: node bench/lib/stub-responder.mjs STATE_DIR fswatch|chokidar LOG_FILE   (prints "ready" when watching)
import fs from 'node:fs';
import path from 'node:path';
import { watch as chokidarWatch } from 'chokidar';
import { nowUs } from './common.mjs';

const [stateDir, mode, logFile] = process.argv.slice(2);
if (!stateDir || !['fswatch', 'chokidar'].includes(mode) || !logFile) {
  process.stderr.write('usage: stub-responder.mjs STATE_DIR fswatch|chokidar LOG_FILE\n');
  process.exit(2);
}
const queue = path.join(stateDir, 'queue');
const answers = path.join(stateDir, 'answers');
const slots = path.join(stateDir, 'slots');
for (const d of [stateDir, queue, answers, slots]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
const log = [];
const handled = new Set();
let evUs = 0;

// Answers one call the way the supervisor's protocol does: the hook's ready marker names its temp file, which is
// linked to `<call id>.tool-pending`; the decision goes to the call's answer slot (or its own FIFO); the slot's
// lock is removed once the hook has exited.
function answer(name) {
  const m = /^(.+)\.(\d+)-(\d+)\.tool-ready$/.exec(name);
  if (!m) return;
  const [, callId, pid, us] = m;
  if (handled.has(callId)) return;
  const temp = path.join(queue, `.gate.${pid}.${us}.tmp`);
  const file = path.join(queue, `${callId}.tool-pending`);
  let pending;
  try {
    fs.linkSync(temp, file);
    pending = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return;
  }
  handled.add(callId);
  fs.rmSync(temp, { force: true });
  fs.rmSync(path.join(queue, name), { force: true });
  const fifo =
    pending.slot === undefined
      ? path.join(queue, `${callId}.fifo`)
      : path.join(slots, `${pending.worker_id}.${pending.slot}.fifo`);
  const line = `${callId} {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","permissionDecisionReason":"stub"}}\n`;
  const fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  fs.writeSync(fd, line);
  fs.closeSync(fd);
  const doneUs = nowUs();
  fs.rmSync(file, { force: true });
  if (pending.slot === undefined) fs.rmSync(fifo, { force: true });
  else release(path.join(slots, `${pending.worker_id}.${pending.slot}.lock`), pending.hook_pid);
  log.push({ call: callId, ts_us: pending.ts_us, ev_us: evUs, done_us: doneUs });
}

function release(lock, pid) {
  const attempt = (delay) => {
    try {
      process.kill(pid, 0);
    } catch {
      fs.rmSync(lock, { force: true });
      return;
    }
    setTimeout(() => attempt(Math.min(delay * 2, 256)), delay);
  };
  setTimeout(() => attempt(2), 1);
}

// Like the supervisor: any event triggers a read of the whole queue.
function drain() {
  for (const name of fs.readdirSync(queue)) if (name.endsWith('.tool-ready')) answer(name);
}

let scheduled = false;
function onEvent() {
  if (!evUs) evUs = nowUs();
  if (scheduled) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    drain();
    evUs = 0;
  });
}

if (mode === 'fswatch') {
  fs.watch(queue, (_type, name) => {
    if (name && !name.startsWith('.')) onEvent();
  });
} else {
  // The supervisor's chokidar options (src/gate/supervisor.ts).
  const w = chokidarWatch([queue, answers], {
    ignoreInitial: false,
    depth: 0,
    awaitWriteFinish: false,
    atomic: false,
    ignored: (p) => path.basename(p).startsWith('.'),
  });
  w.on('add', (p) => {
    if (path.dirname(p) === queue) onEvent();
  });
  await new Promise((r) => w.once('ready', r));
}
fs.writeFileSync(path.join(stateDir, 'supervisor.pid'), `${process.pid}\n`);
process.stdout.write('ready\n');
const stop = () => {
  fs.writeFileSync(logFile, log.map((l) => JSON.stringify(l)).join('\n') + '\n');
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
