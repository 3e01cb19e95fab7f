// The gate hook alone: spawns plugin/hooks/gate the way Claude Code 2.1.330 spawns a command hook
// (`spawn(command, [], {shell: true, detached: true})`, i.e. `/bin/sh -c <path>`, a 1 KB PreToolUse payload on
// stdin) against a running supervisor, versus a no-op `sh` hook spawned the same way. N sequential calls per
// variant, variants interleaved call by call (order rotated each round). Timing is spawn -> close in this process.
//
// Variants:
//   noop        a no-op sh script (`cat >/dev/null; exit 0`): the baseline
//   gate        the gate hook with a real `toolgate supervise --daemon` and a worker record: the allow path
//   gate-stub   the gate hook with a minimal fs.watch responder (bench/lib/stub-responder.mjs) instead
//   gate-chok   the gate hook with the same minimal responder using chokidar with the supervisor's options
// The two stub variants split the gate's cost into the hook script + file protocol (gate-stub), chokidar's
// share (gate-chok - gate-stub) and the supervisor's own work (gate - gate-chok).
//
// --trace M (default 30, 0 = off) then runs M calls of an xtrace-instrumented copy of the gate (PS4 carries
// EPOCHREALTIME; plugin/ is not touched) against the fs.watch stub and reports where the hook's time goes, per
// command (summed per call, median over calls). Tracing adds its own cost, so read the shares, not the total.
//
// usage: npm run build && node bench/gate-hook-alone.mjs [--calls N] [--trace M] [--trace-lines] [--json FILE]
// (--trace-lines: the trace split per traced line instead of 'other builtins')
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createSlots } from '../dist/gate/slots.js';
import { statePaths } from '../dist/core/state.js';
import {
  GATE_HOOK,
  ROOT,
  TOOLGATE,
  fmt,
  machineInfo,
  nowUs,
  parseArgs,
  preToolUsePayload,
  run,
  sleep,
  stats,
  tempDir,
} from './lib/common.mjs';

const opts = parseArgs(process.argv.slice(2), { calls: 200, trace: 30, json: '', 'trace-lines': false });
const dir = tempDir('tg-hookalone-');
const children = [];
let supEnv;

async function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await sleep(200);
  if (supEnv)
    await run(process.execPath, [TOOLGATE, 'supervise', '--stop'], { env: supEnv, timeoutMs: 20000 });
  fs.rmSync(dir, { recursive: true, force: true });
}

// Spawns one hook like Claude Code does and resolves with {ms, out} at close.
function callHook(command, env, payload) {
  return new Promise((resolve, reject) => {
    const t0 = nowUs();
    const child = spawn(command, [], { shell: true, detached: true, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', () => {});
    child.on('error', reject);
    child.on('close', (code) => resolve({ t0, t1: nowUs(), code, out }));
    child.stdin.end(payload);
  });
}

async function startStub(name, mode) {
  const state = path.join(dir, name);
  const logFile = path.join(dir, `${name}.log.jsonl`);
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bench/lib/stub-responder.mjs'), state, mode, logFile],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  await new Promise((resolve, reject) => {
    child.stdout.once('data', resolve);
    child.once('exit', (c) => reject(new Error(`stub responder ${mode} exited (${c})`)));
  });
  return { state, logFile, child };
}

async function main() {
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { mode: 0o700 });
  const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8' };

  // The real supervisor in its own state dir, with a worker record so calls take the allow path.
  const tgState = path.join(dir, 'state-tg');
  supEnv = { ...baseEnv, TOOLGATE_STATE_DIR: tgState };
  const sup = await run(process.execPath, [TOOLGATE, 'supervise', '--daemon'], {
    env: supEnv,
    timeoutMs: 30000,
  });
  if (sup.code !== 0) throw new Error(`supervise --daemon failed: ${sup.stderr}`);
  const workerId = randomUUID();
  const rec = {
    v: 1,
    name: 'bench',
    worker_id: workerId,
    tmux_name: 'bench',
    tmux_socket: null,
    cwd: '/tmp',
    events_file: path.join(tgState, 'events', `${workerId}.jsonl`),
    started_at: new Date().toISOString(),
    claude_bin: 'claude',
    claude_version: '2.1.330',
    policy: [],
    observe: false,
    invocation: [],
  };
  fs.writeFileSync(path.join(tgState, 'workers', `${workerId}.json`), JSON.stringify(rec, null, 2) + '\n', {
    mode: 0o600,
  });

  const stubFs = await startStub('state-stub', 'fswatch');
  const stubCh = await startStub('state-chok', 'chokidar');
  // Every variant's worker has its answer slots, as `toolgate launch` makes them.
  for (const state of [tgState, stubFs.state, stubCh.state]) await createSlots(statePaths(state), workerId);

  const noop = path.join(dir, 'noop');
  fs.writeFileSync(noop, '#!/bin/sh\ncat >/dev/null\nexit 0\n', { mode: 0o700 });
  const gateEnv = (state) => ({
    ...baseEnv,
    TOOLGATE_WORKER: 'bench',
    TOOLGATE_WORKER_ID: workerId,
    TOOLGATE_STATE_DIR: state,
  });
  const variants = [
    { name: 'noop', cmd: noop, env: gateEnv(path.join(dir, 'unused')) },
    { name: 'gate', cmd: GATE_HOOK, env: gateEnv(tgState) },
    { name: 'gate-stub', cmd: GATE_HOOK, env: gateEnv(stubFs.state) },
    { name: 'gate-chok', cmd: GATE_HOOK, env: gateEnv(stubCh.state) },
  ];
  const sessionId = randomUUID();
  const results = Object.fromEntries(variants.map((v) => [v.name, []]));
  const warm = 5;
  let n = 0;
  for (let i = 0; i < opts.calls + warm; i++) {
    const order = variants.map((_, j) => variants[(i + j) % variants.length]);
    for (const v of order) {
      const tuid = `toolu_bench${String(n++).padStart(6, '0')}`;
      const r = await callHook(v.cmd, v.env, preToolUsePayload(sessionId, tuid));
      const allowed = v.name === 'noop' ? r.code === 0 : r.out.includes('"permissionDecision":"allow"');
      if (!allowed)
        throw new Error(`${v.name} call ${tuid} was not allowed (exit ${r.code}): ${r.out.slice(0, 300)}`);
      if (i >= warm) results[v.name].push({ tuid, ms: (r.t1 - r.t0) / 1000, t0: r.t0, t1: r.t1 });
    }
  }

  const trace =
    opts.trace > 0 ? await traceGate(stubFs.state, gateEnv(stubFs.state), sessionId, opts.trace) : undefined;

  // Breakdowns from the responders' own timestamps.
  for (const c of children) c.kill('SIGTERM');
  await sleep(500);
  const breakdown = {};
  const byCall = (rows) => new Map(rows.map((r) => [r.call.split('.').pop(), r]));
  for (const [name, s] of [
    ['gate-stub', stubFs],
    ['gate-chok', stubCh],
  ]) {
    const log = byCall(
      fs
        .readFileSync(s.logFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    );
    const rows = results[name].map((r) => ({ r, l: log.get(r.tuid) })).filter((x) => x.l);
    breakdown[name] = {
      'spawn -> hook ts_us': stats(rows.map((x) => (x.l.ts_us - x.r.t0) / 1000)),
      'ts_us -> watcher event': stats(rows.map((x) => (x.l.ev_us - x.l.ts_us) / 1000)),
      'watcher event -> FIFO written': stats(rows.map((x) => (x.l.done_us - x.l.ev_us) / 1000)),
      'FIFO written -> hook closed': stats(rows.map((x) => (x.r.t1 - x.l.done_us) / 1000)),
    };
  }
  // The real supervisor: its audit record (ts, ms) is written just before the FIFO write; latency_ms = that - ts_us.
  const audit = fs
    .readFileSync(path.join(tgState, 'audit', 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((a) => a.kind === 'decision');
  const auditBy = new Map(audit.map((a) => [a.tool_use_id, a]));
  const rows = results.gate.map((r) => ({ r, a: auditBy.get(r.tuid) })).filter((x) => x.a);
  breakdown.gate = {
    'spawn -> hook ts_us (ms res.)': stats(
      rows.map((x) => Date.parse(x.a.ts) - x.a.latency_ms - x.r.t0 / 1000),
    ),
    'ts_us -> decision recorded (latency_ms)': stats(rows.map((x) => x.a.latency_ms)),
    'decision recorded -> hook closed (ms res.)': stats(rows.map((x) => x.r.t1 / 1000 - Date.parse(x.a.ts))),
  };

  const summary = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, stats(v.map((r) => r.ms))]));
  const pairRatio = (a) => stats(results[a].map((r, i) => r.ms / results.noop[i].ms));
  const m = machineInfo();
  console.log(
    `gate hook alone: ${opts.calls} sequential calls per variant, interleaved; spawn -> close as Claude Code spawns hooks (/bin/sh -c)`,
  );
  console.log(`machine: ${m.uname}\ncpu: ${m.cpu} x${m.nproc}; node ${m.node}; load ${m.loadavg}; ${m.date}`);
  console.log(
    '\nvariant      median ms   p99 ms   max ms   ratio to noop (median of per-call ratios, min-max)',
  );
  for (const [k, s] of Object.entries(summary)) {
    const r = k === 'noop' ? undefined : pairRatio(k);
    console.log(
      `${k.padEnd(12)} ${fmt(s.median, 2).padStart(9)} ${fmt(s.p99, 2).padStart(8)} ${fmt(s.max, 2).padStart(8)}   ${r ? `${fmt(r.median, 2)} (${fmt(r.min, 2)}-${fmt(r.max, 2)})` : ''}`,
    );
  }
  console.log('\nbreakdown (median / p99 ms):');
  for (const [k, parts] of Object.entries(breakdown)) {
    console.log(`  ${k}`);
    for (const [p, s] of Object.entries(parts))
      console.log(`    ${p.padEnd(44)} ${fmt(s.median, 2).padStart(8)} / ${fmt(s.p99, 2)}  (n=${s.n})`);
  }
  if (trace) {
    console.log(
      `\nwhere the gate's time goes (xtrace copy against the fs.watch stub, ${opts.trace} calls; median ms per call):`,
    );
    for (const [k, v] of trace) console.log(`    ${k.padEnd(44)} ${fmt(v, 2).padStart(8)}`);
  }
  if (opts.json)
    fs.writeFileSync(
      opts.json,
      JSON.stringify({ machine: m, calls: opts.calls, summary, breakdown, trace }, null, 2),
    );
}

// Runs an xtrace copy of the gate `calls` times; returns [step, median ms] rows, biggest first.
async function traceGate(state, env, sessionId, calls) {
  const src = fs.readFileSync(GATE_HOOK, 'utf8').split('\n');
  const traced = path.join(dir, 'gate-traced');
  fs.writeFileSync(traced, [src[0], "PS4='+${EPOCHREALTIME} '; set -x", ...src.slice(1)].join('\n'), {
    mode: 0o700,
  });
  const per = [];
  for (let i = 0; i < calls; i++) {
    const t0 = nowUs();
    const r = await new Promise((resolve, reject) => {
      const child = spawn(traced, [], { shell: true, detached: true, env, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('close', () => resolve({ t1: nowUs(), out, err }));
      child.stdin.end(preToolUsePayload(sessionId, `toolu_trace${String(i).padStart(6, '0')}`));
    });
    if (!r.out.includes('"allow"')) throw new Error(`traced gate call ${i} not allowed: ${r.out}`);
    const steps = r.err
      .split('\n')
      .map((l) => /^\++(\d+\.\d+) (.*)$/.exec(l))
      .filter(Boolean)
      .map((m) => ({ us: Number(m[1]) * 1e6, cmd: m[2] }));
    const row = new Map();
    const add = (k, ms) => row.set(k, (row.get(k) ?? 0) + ms);
    add('(spawn: sh -c + bash start, to first line)', (steps[0].us - t0) / 1000);
    for (let j = 0; j < steps.length - 1; j++) {
      const c = steps[j].cmd;
      // The stdin copy `{ printf; head -c; printf; } > tmp 2>/dev/null` traces nothing (its stderr is /dev/null), so
      // its time lands on the line before it, `w=...`.
      const key = c.startsWith('w=')
        ? 'stdin copy block (printf + head -c + printf)'
        : (/^(mkfifo|mv|exec|read|kill)\b/.exec(c)?.[1] ??
          (c.startsWith('[[')
            ? '[[ (regex)'
            : opts['trace-lines']
              ? `  ${c.slice(0, 60)}`
              : 'other builtins'));
      add(
        key === 'read' && /-t 1 -N 1 line/.test(c) ? 'read (waiting for the decision on the FIFO)' : key,
        (steps[j + 1].us - steps[j].us) / 1000,
      );
    }
    add('(last line to exit, as seen by the spawner)', (r.t1 - steps[steps.length - 1].us) / 1000);
    add('TOTAL spawn -> close', (r.t1 - t0) / 1000);
    per.push(row);
  }
  const keys = [...new Set(per.flatMap((r) => [...r.keys()]))];
  return keys.map((k) => [k, stats(per.map((r) => r.get(k) ?? 0)).median]).sort((a, b) => b[1] - a[1]);
}

let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);
