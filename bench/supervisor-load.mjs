// Supervisor throughput, decision latency and memory with 50 simulated workers (issue 7 item 1).
//
// The supervisor is the real one: `node bin/toolgate.js supervise --daemon` on a temp TOOLGATE_STATE_DIR, default
// policy, audit trail on. The workers are simulated: worker records written like src/workers/registry.ts does, and
// tool calls made through the gate's file protocol, two ways (bench/lib/file-driver.mjs):
//   - driver: a Node driver in this process that does exactly what plugin/hooks/gate does per call (FIFO opened
//     read-write, pending JSON in the hook's format written to a temp file and renamed into the queue, decision
//     line read from the FIFO), without spawning a process per call: this measures the supervisor alone at high
//     rates. Latency = the pending file's rename (publish) -> the decision line read from the FIFO.
//   - hook: the real plugin/hooks/gate process per call (the true protocol, bash + head + mkfifo + mv), 50 workers
//     each making sequential calls. On 2 cores this is bounded by process spawns, not by the supervisor.
// Baseline, in the same run: the same driver (and the same hooks) against a trivial responder
// (bench/lib/stub-responder.mjs, fs.watch mode: a readdir per event, read the pending file, answer allow; no
// policy, no audit, no events file).
//
// Phases: saturation (each worker keeps one call outstanding, no think time: maximum decisions/s) and paced (the
// workers together offer --rate calls/s; latency at that rate). Memory: the supervisor's VmHWM (peak RSS) from
// /proc/<pid>/status after all phases. The audit trail is verified afterwards (`toolgate audit verify`) and the
// number of decision records checked against the calls made.
//
// usage: npm run build && node bench/supervisor-load.mjs [--workers 50] [--calls 200] [--rate 2000]
//          [--hook-calls 6] [--no-hook] [--breakdown] [--json FILE] [--keep]
// --breakdown adds a saturation phase against bench/lib/traced-supervisor.mjs (the same supervisor parts from dist/,
// each step timed from outside, under node --cpu-prof) and prints where its time goes.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT, TOOLGATE, fmt, machineInfo, parseArgs, run, sleep, stats, tempDir } from './lib/common.mjs';
import { attribute } from './lib/cpuprofile.mjs';
import { FileDriver, callFor, cpuMsOf, hookCall, makeFifos, makeWorkers, memOf } from './lib/file-driver.mjs';

const opts = parseArgs(process.argv.slice(2), {
  workers: 50,
  calls: 200,
  rate: 2000,
  'hook-calls': 6,
  'no-hook': false,
  breakdown: false,
  json: '',
  keep: false,
});

const dir = tempDir('tg-supload-');
const children = [];
let supEnv;

async function cleanup() {
  if (supEnv)
    await run(process.execPath, [TOOLGATE, 'supervise', '--stop'], { env: supEnv, timeoutMs: 20000 }).catch(
      () => {},
    );
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await sleep(300);
  if (opts.keep) return console.error(`kept ${dir}`);
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    console.error(`\n${sig}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

// A state directory with the queue layout the hook expects (the supervisor's ensureState makes the rest).
function stateDir(name) {
  const s = path.join(dir, name);
  for (const sub of ['', 'queue', 'answers', 'workers', 'events', 'audit'])
    fs.mkdirSync(path.join(s, sub), { recursive: true, mode: 0o700 });
  return s;
}

async function startSupervisor(state) {
  supEnv = { ...process.env, TOOLGATE_STATE_DIR: state };
  const r = await run(process.execPath, [TOOLGATE, 'supervise', '--daemon'], {
    env: supEnv,
    timeoutMs: 30000,
  });
  if (r.code !== 0) throw new Error(`supervise --daemon failed: ${r.stderr}`);
  return Number(fs.readFileSync(path.join(state, 'supervisor.pid'), 'utf8'));
}

async function startStub(state) {
  const logFile = path.join(dir, `${path.basename(state)}.log.jsonl`);
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bench/lib/stub-responder.mjs'), state, 'fswatch', logFile],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  await new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`stub exited ${c}`)));
  });
  return { pid: child.pid, logFile, child };
}

// Runs every worker's calls through the Node driver; `rate` 0 = saturation (back to back).
async function driverPhase(state, workers, calls, rate, respPid) {
  const fifoDir = path.join(dir, `fifos-${Math.random().toString(36).slice(2, 8)}`);
  await makeFifos(fifoDir, workers.length * calls);
  const driver = new FileDriver(state, fifoDir);
  const lat = [];
  const lines = [];
  const interval = rate > 0 ? (workers.length / rate) * 1000 : 0; // ms between one worker's calls
  const cpu0 = cpuMsOf(respPid);
  const t0 = performance.now();
  await Promise.all(
    workers.map(async (w, wi) => {
      const offset = interval ? (wi * interval) / workers.length : 0;
      for (let k = 0; k < calls; k++) {
        if (interval) {
          const due = t0 + offset + k * interval;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
        }
        const c = callFor(w, w.seq++);
        const r = await driver.call(w, c);
        lat.push((r.readUs - r.publishUs) / 1000);
        lines.push(r.line);
      }
    }),
  );
  const wallS = (performance.now() - t0) / 1000;
  const cpu = cpuMsOf(respPid) - cpu0;
  fs.rmSync(fifoDir, { recursive: true, force: true });
  const decisions = { allow: 0, deny: 0, ask: 0, other: 0 };
  for (const l of lines) {
    const d = /"permissionDecision":"(\w+)"/.exec(l)?.[1];
    decisions[d in decisions ? d : 'other']++;
  }
  return {
    n: lat.length,
    perS: lat.length / wallS,
    wallS,
    lat: stats(lat),
    cpuMsPerCall: cpu / lat.length,
    decisions,
  };
}

// Every worker makes `calls` sequential calls with the real gate hook, all workers at once.
async function hookPhase(state, workers, calls) {
  const rows = [];
  const t0 = performance.now();
  await Promise.all(
    workers.map(async (w) => {
      for (let k = 0; k < calls; k++) {
        const c = callFor(w, w.seq++);
        const r = await hookCall(state, w, c);
        rows.push({ tuid: JSON.parse(c.payload).tool_use_id, ms: (r.endUs - r.startUs) / 1000, out: r.out });
      }
    }),
  );
  const wallS = (performance.now() - t0) / 1000;
  const ok = rows.filter(
    (r) => /"permissionDecision":"(allow|deny)"/.test(r.out) && !r.out.includes('fail closed'),
  ).length;
  return {
    n: rows.length,
    ok,
    perS: rows.length / wallS,
    wallS,
    spawnToClose: stats(rows.map((r) => r.ms)),
    rows,
  };
}

// Saturation against the traced supervisor under --cpu-prof; returns its step timings and the profile's attribution.
async function breakdownPhase() {
  const state = stateDir('state-traced');
  const workers = makeWorkers(state, path.join(dir, 'ws'), opts.workers);
  const outFile = path.join(dir, 'traced.json');
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bench/lib/traced-supervisor.mjs'), state, outFile],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, TOOLGATE_STATE_DIR: state },
    },
  );
  children.push(child);
  await new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`traced supervisor exited ${c}`)));
  });
  await driverPhase(state, workers, 2, 0, child.pid);
  const profiling = new Promise((res) => child.stdout.once('data', res));
  child.kill('SIGUSR2');
  await profiling;
  const r = await driverPhase(state, workers, opts.calls, 0, child.pid);
  const exited = new Promise((res) => child.once('exit', res));
  child.kill('SIGTERM');
  await exited;
  const trace = JSON.parse(fs.readFileSync(outFile, 'utf8'));
  const prof = attribute(`${outFile}.cpuprofile`);
  return { perS: r.perS, trace, prof };
}

function auditRecords(state) {
  const a = path.join(state, 'audit');
  return fs
    .readdirSync(a)
    .filter((f) => f.endsWith('.jsonl') && !f.startsWith('checkpoint'))
    .sort()
    .flatMap((f) => fs.readFileSync(path.join(a, f), 'utf8').split('\n').filter(Boolean))
    .map((l) => JSON.parse(l));
}

async function main() {
  const supState = stateDir('state-sup');
  const stubState = stateDir('state-stub');
  const supWorkers = makeWorkers(supState, path.join(dir, 'ws'), opts.workers);
  const stubWorkers = makeWorkers(stubState, path.join(dir, 'ws'), opts.workers);
  const supPid = await startSupervisor(supState);
  const stub = await startStub(stubState);
  const memStart = memOf(supPid);

  // Warm-up (JIT, policy compile per worker, first events file per worker): 2 calls per worker, not measured.
  await driverPhase(supState, supWorkers, 2, 0, supPid);
  await driverPhase(stubState, stubWorkers, 2, 0, stub.pid);

  const res = {};
  res['stub saturation'] = await driverPhase(stubState, stubWorkers, opts.calls, 0, stub.pid);
  res['supervisor saturation'] = await driverPhase(supState, supWorkers, opts.calls, 0, supPid);
  res['supervisor paced'] = await driverPhase(supState, supWorkers, opts.calls, opts.rate, supPid);
  res['stub paced'] = await driverPhase(stubState, stubWorkers, opts.calls, opts.rate, stub.pid);
  const memAfterDriver = memOf(supPid);
  let hook;
  if (!opts['no-hook']) {
    hook = {};
    hook.stub = await hookPhase(stubState, stubWorkers, opts['hook-calls']);
    hook.supervisor = await hookPhase(supState, supWorkers, opts['hook-calls']);
  }
  const memEnd = memOf(supPid);
  const fds = fs.readdirSync(`/proc/${supPid}/fd`).length;
  const queueLeft = fs.readdirSync(path.join(supState, 'queue')).length;

  // Stop both (the supervisor's stop record closes the chain), then verify the audit trail.
  await run(process.execPath, [TOOLGATE, 'supervise', '--stop'], { env: supEnv, timeoutMs: 20000 });
  stub.child.kill('SIGTERM');
  await new Promise((r) => (stub.child.exitCode !== null ? r() : stub.child.once('exit', r)));
  const verify = await run(process.execPath, [TOOLGATE, 'audit', 'verify', '--json'], {
    env: supEnv,
    timeoutMs: 120000,
  });
  const audit = auditRecords(supState);
  const decisionRecords = audit.filter((a) => a.kind === 'decision');
  const expected = opts.workers * (2 + 2 * opts.calls + (opts['no-hook'] ? 0 : opts['hook-calls']));
  let hookBreak;
  if (hook) {
    const byTuid = new Map(decisionRecords.map((a) => [a.tool_use_id, a]));
    const supLat = hook.supervisor.rows
      .map((r) => byTuid.get(r.tuid)?.latency_ms)
      .filter((x) => x !== undefined);
    const log = new Map(
      fs
        .readFileSync(stub.logFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .map((l) => [l.call.split('.').pop(), l]),
    );
    const stubLat = hook.stub.rows
      .map((r) => log.get(r.tuid))
      .filter(Boolean)
      .map((l) => (l.done_us - l.ts_us) / 1000);
    hookBreak = { supervisor: stats(supLat), stub: stats(stubLat) };
  }

  const breakdown = opts.breakdown ? await breakdownPhase() : undefined;
  const m = machineInfo();
  const out = [];
  const p = (s = '') => out.push(s);
  p(
    `supervisor-load: ${opts.workers} simulated workers, ${opts.calls} calls per worker per driver phase, paced rate ${opts.rate}/s, default policy, audit on`,
  );
  p(`machine: ${m.uname}\ncpu: ${m.cpu} x${m.nproc}; node ${m.node}; load ${m.loadavg}; ${m.date}`);
  p(`command: node bench/supervisor-load.mjs ${process.argv.slice(2).join(' ')}`);
  p('');
  p('Node driver (file protocol without a process per call); latency = pending rename -> decision line read');
  p('| phase | calls | decisions/s | median ms | p99 ms | max ms | responder CPU ms/call | allow/deny |');
  p('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const [k, r] of Object.entries(res)) {
    p(
      `| ${k} | ${r.n} | ${fmt(r.perS, 0)} | ${fmt(r.lat.median, 2)} | ${fmt(r.lat.p99, 2)} | ${fmt(r.lat.max, 2)} | ${fmt(r.cpuMsPerCall, 3)} | ${r.decisions.allow}/${r.decisions.deny}${r.decisions.ask + r.decisions.other ? ` (+${r.decisions.ask + r.decisions.other} other)` : ''} |`,
    );
  }
  const rs = res['supervisor saturation'];
  const bs = res['stub saturation'];
  const rp = res['supervisor paced'];
  const bp = res['stub paced'];
  p('');
  p(
    `ratios supervisor/stub: saturation decisions/s ${fmt(rs.perS / bs.perS, 2)}, median ${fmt(rs.lat.median / bs.lat.median, 2)}, p99 ${fmt(rs.lat.p99 / bs.lat.p99, 2)}; ` +
      `paced median ${fmt(rp.lat.median / bp.lat.median, 2)}, p99 ${fmt(rp.lat.p99 / bp.lat.p99, 2)}; CPU/call ${fmt(rs.cpuMsPerCall / bs.cpuMsPerCall, 1)}x`,
  );
  p(
    `targets: >= 2000 decisions/s with p99 < 50 ms (paced phase, ${opts.rate}/s offered): ${rp.perS >= 2000 && rp.lat.p99 < 50 ? 'met' : 'MISSED'} (${fmt(rp.perS, 0)}/s, p99 ${fmt(rp.lat.p99, 1)} ms); capacity at saturation ${fmt(rs.perS, 0)}/s (p99 ${fmt(rs.lat.p99, 1)} ms)`,
  );
  if (hook) {
    p('');
    p(
      `Real gate hook per call (${opts.workers} workers x ${opts['hook-calls']} sequential calls, all at once)`,
    );
    p(
      '| responder | calls | calls/s | hook spawn->close median ms | p99 ms | hook ts_us -> decision written median ms | p99 ms | decided |',
    );
    p('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const k of ['stub', 'supervisor']) {
      const h = hook[k];
      p(
        `| ${k} | ${h.n} | ${fmt(h.perS, 1)} | ${fmt(h.spawnToClose.median, 1)} | ${fmt(h.spawnToClose.p99, 1)} | ${fmt(hookBreak[k].median, 1)} | ${fmt(hookBreak[k].p99, 1)} | ${h.ok} |`,
      );
    }
    p(
      `ratio supervisor/stub spawn->close: median ${fmt(hook.supervisor.spawnToClose.median / hook.stub.spawnToClose.median, 2)}, p99 ${fmt(hook.supervisor.spawnToClose.p99 / hook.stub.spawnToClose.p99, 2)}`,
    );
    p(
      "(supervisor ts_us -> decision is the audit record's latency_ms, whole ms; the stub's is its FIFO write time)",
    );
  }
  p('');
  p(
    `memory (supervisor, ${opts.workers} workers): VmHWM (peak RSS) ${fmt(memEnd.hwmMiB, 1)} MiB (target < 150: ${memEnd.hwmMiB < 150 ? 'met' : 'MISSED'}); RSS at start ${fmt(memStart.rssMiB, 1)}, after driver phases ${fmt(memAfterDriver.rssMiB, 1)}, at end ${fmt(memEnd.rssMiB, 1)} MiB; open fds at end ${fds}; queue files left ${queueLeft}`,
  );
  let v;
  try {
    v = JSON.parse(verify.stdout);
  } catch {
    v = { raw: verify.stdout + verify.stderr };
  }
  p(
    `audit: ${decisionRecords.length} decision records (expected ${expected}), ${audit.length} records in all; \`toolgate audit verify\` exit ${verify.code}: ${JSON.stringify(v).slice(0, 300)}`,
  );
  if (breakdown) {
    const b = breakdown.trace;
    p('');
    p(
      `Breakdown: traced supervisor (bench/lib/traced-supervisor.mjs, CPU profile after warm-up), saturation, ${b.decisions} decisions, ${fmt(breakdown.perS, 0)}/s, CPU ${fmt(b.cpuMs / b.decisions, 3)} ms per decision; memory after warm-up -> end (MiB): ${Object.keys(
        b.memEndMiB,
      )
        .map((k) => `${k} ${b.memReadyMiB[k]} -> ${b.memEndMiB[k]}`)
        .join(', ')}`,
    );
    p(
      `publish -> drain start (chokidar event + setImmediate + earlier files in the same drain): median ${fmt(b.publishToDrainStart.median, 2)} ms, p99 ${fmt(b.publishToDrainStart.p99, 2)} ms`,
    );
    p('| step (wall, timed from outside) | n | total ms | per decision ms | median ms | p99 ms |');
    p('|---|---:|---:|---:|---:|---:|');
    for (const [k, v] of Object.entries(b.steps)) {
      if (k.startsWith('queue entries')) continue;
      p(
        `| ${k} | ${v.n} | ${fmt(v.totalMs, 0)} | ${fmt(v.totalMs / b.decisions, 3)} | ${fmt(v.median, 3)} | ${fmt(v.p99, 3)} |`,
      );
    }
    const q = b.steps['queue entries seen per readdir'];
    if (q)
      p(
        `drains: ${b.steps['drain (all of it)']?.n}, queue entries per readdir median ${q.median}, p99 ${q.p99}`,
      );
    p('');
    p(
      `CPU profile (${fmt(breakdown.prof.busyMs, 0)} ms busy; each sample charged to the nearest package or dist/ file from the leaf up):`,
    );
    p('| where | ms | share | per decision ms |');
    p('|---|---:|---:|---:|');
    for (const r of breakdown.prof.rows.slice(0, 16))
      p(`| ${r.where} | ${fmt(r.ms, 0)} | ${fmt(100 * r.share, 1)}% | ${fmt(r.ms / b.decisions, 3)} |`);
  }
  console.log(out.join('\n'));
  if (opts.json)
    fs.writeFileSync(
      opts.json,
      JSON.stringify(
        {
          machine: m,
          opts,
          res,
          hook: hook && {
            stub: { ...hook.stub, rows: undefined },
            supervisor: { ...hook.supervisor, rows: undefined },
          },
          hookBreak,
          memStart,
          memAfterDriver,
          memEnd,
          verify: v,
          decisionRecords: decisionRecords.length,
          expected,
        },
        null,
        2,
      ),
    );
}

try {
  await main();
} finally {
  await cleanup();
}
