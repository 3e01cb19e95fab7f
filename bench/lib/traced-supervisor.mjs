// The supervisor of src/gate/run-supervisor.ts (same parts: default policy decider, audit log, Supervisor from
// dist/), with timers around each step of a decision, for bench/supervisor-load.mjs --breakdown. Nothing in src/
// changes: the steps are wrapped from outside (prototype methods, the decider and audit objects, fs.readdirSync).
// usage: node bench/lib/traced-supervisor.mjs STATE_DIR OUT_JSON
// Prints "ready" when watching. SIGUSR2 resets the counters and starts a CPU profile (node:inspector), so warm-up
// (per-worker policy compiles) stays out; SIGTERM writes OUT_JSON (step timings, memory) and OUT_JSON.cpuprofile.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Session } from 'node:inspector/promises';
import { ROOT, nowUs } from './common.mjs';

const [stateDir, outFile] = process.argv.slice(2);
const dist = (p) => import(pathToFileURL(path.join(ROOT, 'dist', p)).href);
const { statePaths } = await dist('core/state.js');
const { Supervisor } = await dist('gate/supervisor.js');
const { EventWriter } = await dist('gate/event-writer.js');
const { createPolicyDecider } = await dist('gate/policy-decider.js');
const { openAuditLog } = await dist('audit/index.js');
const { pino } = await import(pathToFileURL(path.join(ROOT, 'node_modules/pino/pino.js')).href).catch(
  () => import('pino'),
);

const steps = new Map();
const publishToDrain = [];
function add(name, ms) {
  const s = steps.get(name) ?? { n: 0, totalMs: 0, samples: [] };
  s.n++;
  s.totalMs += ms;
  if (s.samples.length < 50000) s.samples.push(ms);
  steps.set(name, s);
}
function timed(name, fn) {
  return function (...args) {
    const t = performance.now();
    try {
      return fn.apply(this, args);
    } finally {
      add(name, performance.now() - t);
    }
  };
}

const s = statePaths(path.resolve(stateDir));
const logger = pino(
  { level: 'info', base: { pid: process.pid } },
  pino.destination({ dest: s.supervisorLog, sync: true, mkdir: false }),
);
const audit = openAuditLog(s.audit, {});
const decider = await createPolicyDecider({
  stateDir: s.root,
  policies: [],
  home: process.env.HOME ?? '/',
  logger,
});

// Steps, each wrapped from outside.
const queueDir = s.queue;
const readdir = fs.readdirSync;
fs.readdirSync = function (p, ...rest) {
  if (p !== queueDir) return readdir.call(this, p, ...rest);
  const t = performance.now();
  const r = readdir.call(this, p, ...rest);
  add('readdir of the queue', performance.now() - t);
  add('queue entries seen per readdir', r.length);
  return r;
};
const P = Supervisor.prototype;
let drainStartUs = 0;
const drain = P.drain;
P.drain = function () {
  drainStartUs = nowUs();
  const t = performance.now();
  try {
    return drain.call(this);
  } finally {
    add('drain (all of it)', performance.now() - t);
  }
};
P.load = timed('load: read + JSON.parse + zod of one queue file', P.load);
const handlePending = P.handlePending;
P.handlePending = function (item) {
  if (item.pending) publishToDrain.push((drainStartUs - item.pending.ts_us) / 1000);
  const t = performance.now();
  try {
    return handlePending.call(this, item);
  } finally {
    add('handlePending (all of it)', performance.now() - t);
  }
};
P.finish = timed('finish (audit + deliver + cleanup + redact)', P.finish);
P.deliver = timed('deliver: FIFO open + write + close', P.deliver);
P.cleanup = timed('cleanup: rm pending + fifo, forget timer', P.cleanup);
EventWriter.prototype.append = timed('events file append (pre_tool_use)', EventWriter.prototype.append);
const decide = decider.decide.bind(decider);
decider.decide = timed('policy decide (prepare + evaluate)', decide);
const auditSink = { append: timed('audit append', (rec) => audit.append(rec)) };

const sup = new Supervisor({ state: s, decider, audit: auditSink, logger });
await sup.start();
fs.writeFileSync(s.supervisorPid, `${process.pid}\n`);
let memReady = process.memoryUsage();
let cpu0 = process.cpuUsage();
let t0 = performance.now();
let decisions0 = 0;
const session = new Session();
session.connect();
let profiling = false;
process.on('SIGUSR2', async () => {
  steps.clear();
  publishToDrain.length = 0;
  memReady = process.memoryUsage();
  cpu0 = process.cpuUsage();
  t0 = performance.now();
  decisions0 = sup.decisions;
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 250 });
  await session.post('Profiler.start');
  profiling = true;
  process.stdout.write('profiling\n');
});
process.stdout.write('ready\n');

process.once('SIGTERM', async () => {
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  if (profiling) {
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(`${outFile}.cpuprofile`, JSON.stringify(profile));
  }
  await sup.stop();
  const mb = (m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v / 1048576)]));
  const out = {
    memReadyMiB: mb(memReady),
    memEndMiB: mb(process.memoryUsage()),
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: wall,
    decisions: sup.decisions - decisions0,
    steps: {},
  };
  const med = (v) => {
    const x = [...v].sort((a, b) => a - b);
    return x.length ? x[Math.floor(x.length / 2)] : NaN;
  };
  const p99 = (v) => {
    const x = [...v].sort((a, b) => a - b);
    return x.length ? x[Math.min(x.length - 1, Math.ceil(0.99 * x.length) - 1)] : NaN;
  };
  for (const [k, v] of steps)
    out.steps[k] = { n: v.n, totalMs: v.totalMs, median: med(v.samples), p99: p99(v.samples) };
  out.publishToDrainStart = {
    n: publishToDrain.length,
    median: med(publishToDrain),
    p99: p99(publishToDrain),
  };
  fs.writeFileSync(outFile, JSON.stringify(out, null, 2));
  audit.close();
  decider.close();
  process.exit(0);
});
