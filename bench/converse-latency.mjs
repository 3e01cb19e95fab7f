// `toolgate converse` latency (issue 7 item 1): from the end of a turn (the Stop hook's timestamp, recorded by the
// supervisor as the stop event's `ts`) to `toolgate converse` printing the reply (first byte on its stdout).
// Baseline, the same turn: a trivial fs.watch reader of the events file (bench/lib/events-reader.mjs), started
// before the prompt is sent, timed the same way (its first stdout byte). Both pipes are read by this process, so
// both latencies share the same clock and the same pipe overhead; the difference is converse's own.
// Workers: real Claude Code workers launched with `toolgate launch` (tmux on a private socket, fresh HOME) on the
// scripted model; each turn's reply is text only (no tool call), so the turn ends quickly.
//
// usage: npm run build && node bench/converse-latency.mjs [--workers 2] [--turns 10] [--json FILE] [--keep]
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import {
  API_KEY,
  CLAUDE_BIN,
  ROOT,
  TOOLGATE,
  fmt,
  machineInfo,
  parseArgs,
  run,
  stats,
  tempDir,
  waitGone,
} from './lib/common.mjs';
import { freshHome, tmuxOn } from './lib/worker.mjs';

const opts = parseArgs(process.argv.slice(2), { workers: 2, turns: 10, json: '', keep: false });
const { startScriptedModel } = await import(path.join(ROOT, 'dist/model/scripted-model.js'));
const dir = tempDir('tg-converse-');
const socket = path.join(dir, 'tmux.sock');
const stateDir = path.join(dir, 'state');
const home = path.join(dir, 'home');
const tmux = tmuxOn(socket);
let model;
let env;

async function cleanup() {
  const panes = await tmux(['list-panes', '-a', '-F', '#{pane_pid}']).catch(() => ({ stdout: '' }));
  const pids = panes.stdout.split('\n').filter(Boolean).map(Number);
  await tmux(['kill-server']).catch(() => {});
  if (env)
    await run(process.execPath, [TOOLGATE, 'supervise', '--stop'], { env, timeoutMs: 20000 }).catch(() => {});
  if (model) await model.close().catch(() => {});
  await waitGone(pids, 10000);
  if (opts.keep) return console.error(`kept ${dir}`);
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 250 });
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    console.error(`\n${sig}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

// Spawns a command and resolves with the wall-clock ms (Date.now() scale, sub-ms) of its first stdout byte.
function firstByte(file, args, e, onReady) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: e, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let at;
    child.stdout.on('data', (d) => {
      const t = performance.timeOrigin + performance.now();
      out += d;
      if (onReady && out.startsWith('ready\n') && !onReady.called) {
        onReady.called = true;
        onReady();
        out = out.slice(6);
        if (!out) return;
      }
      at ??= t;
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, at, out, err }));
  });
}

async function main() {
  model = await startScriptedModel([{ name: 'reply', steps: [], final: 'the reply' }]);
  const workers = [];
  env = {
    HOME: home,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    ANTHROPIC_API_KEY: API_KEY,
    ANTHROPIC_BASE_URL: model.url,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    TOOLGATE_STATE_DIR: stateDir,
    TOOLGATE_TMUX_SOCKET: socket,
    TOOLGATE_CLAUDE_BIN: CLAUDE_BIN,
    TOOLGATE_CONFIG_DIR: path.join(home, '.config/toolgate'),
  };
  const wsRoot = path.join(dir, 'ws');
  freshHome(home, wsRoot);
  const cj = path.join(home, '.claude.json');
  for (let i = 0; i < opts.workers; i++) {
    const ws = path.join(wsRoot, `w${i}`);
    fs.mkdirSync(ws, { recursive: true });
    const j = JSON.parse(fs.readFileSync(cj, 'utf8'));
    j.projects[fs.realpathSync(ws)] = { hasTrustDialogAccepted: true };
    fs.writeFileSync(cj, JSON.stringify(j));
    const r = await run(
      process.execPath,
      [TOOLGATE, 'launch', '--name', `cv${i}`, '--workdir', ws, '--timeout', '90'],
      { env, timeoutMs: 120000 },
    );
    if (r.code !== 0) throw new Error(`launch failed: ${r.stderr}`);
    const sid = JSON.parse(r.stdout).session_id;
    workers.push({ name: `cv${i}`, events: path.join(stateDir, 'events', `${sid}.jsonl`) });
  }
  // One warm-up turn per worker.
  for (const w of workers) {
    const r = await run(process.execPath, [TOOLGATE, 'converse', w.name, '<<S:reply>> warm up'], {
      env,
      timeoutMs: 120000,
    });
    if (r.code !== 0) throw new Error(`warm-up converse failed: ${r.stderr}`);
  }
  const rows = [];
  for (let t = 0; t < opts.turns; t++) {
    for (const w of workers) {
      const after = fs.readFileSync(w.events, 'utf8').split('\n').filter(Boolean).length;
      let ready;
      const readyP = new Promise((r) => (ready = r));
      const base = firstByte(
        process.execPath,
        [path.join(ROOT, 'bench/lib/events-reader.mjs'), w.events, String(after)],
        env,
        ready,
      );
      await readyP;
      const conv = await firstByte(
        process.execPath,
        [TOOLGATE, 'converse', w.name, `<<S:reply>> turn ${t}`],
        env,
      );
      const b = await base;
      if (conv.code !== 0) throw new Error(`converse failed (${conv.code}): ${conv.err}`);
      const stop = JSON.parse(b.out.trim().split('\n').pop());
      const stopMs = Date.parse(stop.ts);
      rows.push({
        worker: w.name,
        turn: t,
        converse: conv.at - stopMs,
        baseline: b.at - stopMs,
        reply: conv.out.trim(),
      });
    }
  }
  const sc = stats(rows.map((r) => r.converse));
  const sb = stats(rows.map((r) => r.baseline));
  const ratio = stats(rows.map((r) => r.converse / r.baseline));
  const diff = stats(rows.map((r) => r.converse - r.baseline));
  const m = machineInfo();
  console.log(
    `converse latency: ${opts.workers} real workers x ${opts.turns} turns (text-only replies, scripted model); end of turn = stop event ts (Stop hook time, ms resolution)`,
  );
  console.log(
    `machine: ${m.uname}\ncpu: ${m.cpu} x${m.nproc}; node ${m.node}; claude ${m.claude}; load ${m.loadavg}; ${m.date}`,
  );
  console.log(`command: node bench/converse-latency.mjs ${process.argv.slice(2).join(' ')}\n`);
  console.log('| measure | n | median ms | p99 ms | min ms | max ms |');
  console.log('|---|---:|---:|---:|---:|---:|');
  console.log(
    `| Stop hook -> \`toolgate converse\` prints the reply | ${sc.n} | ${fmt(sc.median)} | ${fmt(sc.p99)} | ${fmt(sc.min)} | ${fmt(sc.max)} |`,
  );
  console.log(
    `| baseline: Stop hook -> trivial events-file reader prints the event | ${sb.n} | ${fmt(sb.median)} | ${fmt(sb.p99)} | ${fmt(sb.min)} | ${fmt(sb.max)} |`,
  );
  console.log(
    `| converse - baseline (per turn) | ${diff.n} | ${fmt(diff.median)} | ${fmt(diff.p99)} | ${fmt(diff.min)} | ${fmt(diff.max)} |`,
  );
  console.log(
    `\nratio converse/baseline (median of per-turn ratios): ${fmt(ratio.median, 2)} (min ${fmt(ratio.min, 2)}, max ${fmt(ratio.max, 2)})`,
  );
  console.log(
    `target < 50 ms (Stop hook -> printed reply): median ${sc.median < 50 ? 'met' : 'MISSED'}, p99 ${sc.p99 < 50 ? 'met' : 'MISSED'}`,
  );
  if (opts.json)
    fs.writeFileSync(
      opts.json,
      JSON.stringify({ machine: m, rows, converse: sc, baseline: sb, ratio, diff }, null, 2),
    );
}

try {
  await main();
} finally {
  await cleanup();
}
