// Gated tool call cost on the real CLI (issue 3 item 3, "Fast"): time per tool call of a toolgate worker
// (supervisor up, whatever policy it runs) against a worker whose only hook is a no-op `sh` PreToolUse hook,
// and optionally a worker with no hooks at all.
//
// Every worker is the pinned Claude Code CLI in its TUI, in a detached tmux session on a private socket, with a
// fresh HOME, on the scripted model. A turn's prompt picks a script that makes K sequential Bash calls (`true`,
// one per assistant message) and then ends; another makes 1. Turn time is read from the session transcript
// (the user entry's timestamp to the final assistant message's), the same for every variant.
// Per-call time = (turn with K calls - turn with 1 call) / (K - 1). Variants are interleaved in pairs
// (toolgate then baseline, baseline then toolgate, alternating); the ratio is the median of per-pair ratios.
// Nothing here asserts a timing: it is a benchmark, not a test.
//
// --diag adds two toolgate workers started directly (same env and worker record as `toolgate launch`) on trimmed
// copies of plugin/: tg-nopost (no async PostToolUse/PostToolUseFailure event hooks) and tg-gateonly (the gate
// only), to split toolgate's per-call cost between the gate and the event hooks.
//
// usage: npm run build && node bench/hook-cost.mjs [--pairs N] [--calls K] [--no-bare] [--diag] [--json FILE] [--settle MS] [--keep]
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  API_KEY,
  CLAUDE_BIN,
  PLUGIN_DIR,
  ROOT,
  TOOLGATE,
  fmt,
  machineInfo,
  parseArgs,
  run,
  sleep,
  stats,
  tempDir,
  waitGone,
} from './lib/common.mjs';
import { claudeArgs, freshHome, runTurn, startDirect, tmuxOn, waitReady, workerEnv } from './lib/worker.mjs';

const opts = parseArgs(process.argv.slice(2), {
  pairs: 5,
  calls: 20,
  'no-bare': false,
  diag: false,
  json: '',
  settle: 1500,
  keep: false,
});
const K = opts.calls;
if (K < 2) throw new Error('--calls must be at least 2');
const { startScriptedModel } = await import(path.join(ROOT, 'dist/model/scripted-model.js'));

const dir = tempDir('tg-hookcost-');
const socket = path.join(dir, 'tmux.sock');
const stateDir = path.join(dir, 'state');
const tmux = tmuxOn(socket);
let model;
let tgEnv;

async function cleanup() {
  // The panes' processes (ours: started on our private socket), so we can wait for them to exit.
  const panes = await tmux(['list-panes', '-a', '-F', '#{pane_pid}']).catch(() => ({ stdout: '' }));
  const pids = panes.stdout.split('\n').filter(Boolean).map(Number);
  await tmux(['kill-server']).catch(() => {});
  if (tgEnv)
    await run(process.execPath, [TOOLGATE, 'supervise', '--stop'], { env: tgEnv, timeoutMs: 20000 }).catch(
      () => {},
    );
  if (model) await model.close().catch(() => {});
  await waitGone(pids, 10000);
  if (opts.keep) return console.error(`kept ${dir}`);
  for (let i = 0; ; i++) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      return;
    } catch (e) {
      if (i >= 20) return console.error(`could not remove ${dir}: ${e.message}`);
      await sleep(250);
    }
  }
}
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    interrupted = true;
    console.error(`\n${sig}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

const bash = { name: 'Bash', input: { command: 'true', description: 'no-op' } };
const scriptFor = (name, n) => ({
  name,
  steps: Array.from({ length: n }, () => ({ tools: [bash] })),
  final: `done ${name}`,
});

// The baseline's plugin: one PreToolUse hook, a no-op sh script, declared like toolgate's gate.
function noopPlugin() {
  const p = path.join(dir, 'noop-plugin');
  fs.mkdirSync(path.join(p, '.claude-plugin'), { recursive: true });
  fs.mkdirSync(path.join(p, 'hooks'));
  fs.writeFileSync(
    path.join(p, '.claude-plugin/plugin.json'),
    JSON.stringify({ name: 'bench-noop', version: '0.0.0', description: 'a no-op PreToolUse hook' }),
  );
  fs.writeFileSync(path.join(p, 'hooks/noop'), '#!/bin/sh\ncat >/dev/null\nexit 0\n', { mode: 0o755 });
  fs.writeFileSync(
    path.join(p, 'hooks/hooks.json'),
    JSON.stringify({
      hooks: {
        PreToolUse: [
          {
            matcher: '*',
            hooks: [
              {
                type: 'command',
                command: '${CLAUDE_PLUGIN_ROOT}/hooks/noop',
                timeout: 1900,
                onFailure: 'block',
              },
            ],
          },
        ],
      },
    }),
  );
  return p;
}

async function main() {
  model = await startScriptedModel([scriptFor('k1', 1), scriptFor(`k${K}`, K)]);
  // Hold the tmux server open so every worker (launched by us or by toolgate) sees the same default-terminal.
  const hold = await tmux(['new-session', '-d', '-s', 'hold', '--', 'sleep', '86400']);
  if (!hold.ok) throw new Error(`tmux: ${hold.stderr}`);
  const term = (await tmux(['show-options', '-gv', 'default-terminal'])).stdout.trim() || 'screen-256color';

  const workers = [];
  const mk = (name) => {
    const home = path.join(dir, `home-${name}`);
    const ws = freshHome(home, path.join(dir, `ws-${name}`));
    return { name, home, ws };
  };

  // a. baseline: the no-op sh hook only.
  const base = { ...mk('baseline'), sessionId: randomUUID() };
  await startDirect(
    tmux,
    base.name,
    base.ws,
    workerEnv(base.home, model.url, term),
    claudeArgs(base.sessionId, ['--plugin-dir', noopPlugin()]),
  );
  workers.push(base);

  // b. toolgate: `toolgate launch` (starts the supervisor).
  const tg = mk('toolgate');
  tgEnv = {
    HOME: tg.home,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    ANTHROPIC_API_KEY: API_KEY,
    ANTHROPIC_BASE_URL: model.url,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    TOOLGATE_STATE_DIR: stateDir,
    TOOLGATE_TMUX_SOCKET: socket,
    TOOLGATE_CLAUDE_BIN: CLAUDE_BIN,
    TOOLGATE_CONFIG_DIR: path.join(tg.home, '.config/toolgate'),
  };
  const launched = await run(
    process.execPath,
    [TOOLGATE, 'launch', '--name', tg.name, '--workdir', tg.ws, '--timeout', '90'],
    { env: tgEnv, timeoutMs: 120000 },
  );
  if (launched.code !== 0) throw new Error(`toolgate launch failed (${launched.code}): ${launched.stderr}`);
  tg.sessionId = JSON.parse(launched.stdout).session_id;
  workers.push(tg);

  // c. no hooks at all.
  let bare;
  if (!opts['no-bare']) {
    bare = { ...mk('nohooks'), sessionId: randomUUID() };
    await startDirect(
      tmux,
      bare.name,
      bare.ws,
      workerEnv(bare.home, model.url, term),
      claudeArgs(bare.sessionId),
    );
    workers.push(bare);
  }
  const diag = [];
  if (opts.diag) {
    const variants = [
      ['tg-nopost', (ev) => !ev.startsWith('PostToolUse')],
      ['tg-gateonly', (ev) => ev === 'PreToolUse'],
    ];
    for (const [name, keep] of variants) {
      const w = { ...mk(name), sessionId: randomUUID() };
      const env = {
        ...workerEnv(w.home, model.url, term),
        TOOLGATE_WORKER: name,
        TOOLGATE_WORKER_ID: w.sessionId,
        TOOLGATE_STATE_DIR: stateDir,
      };
      saveRecord(w);
      await startDirect(
        tmux,
        name,
        w.ws,
        env,
        claudeArgs(w.sessionId, ['--plugin-dir', trimmedPlugin(name, keep)]),
      );
      workers.push(w);
      diag.push(w);
    }
  }
  for (const w of workers) await waitReady(tmux, w.name);

  let turnNo = 0;
  const turn = async (w, n) => {
    const name = n === 1 ? 'k1' : `k${K}`;
    const r = await runTurn(tmux, w, `<<S:${name}>> bench turn ${++turnNo}`, `done ${name}`);
    if (r.toolUses !== n)
      throw new Error(`${w.name}: expected ${n} tool calls in the turn, saw ${r.toolUses}`);
    await sleep(opts.settle);
    return r;
  };
  // One measurement of a variant: a 1-call turn and a K-call turn (order alternating), per-call time in ms.
  const measure = async (w, flip) => {
    const [a, b] = flip ? [await turn(w, K), await turn(w, 1)] : [await turn(w, 1), await turn(w, K)];
    const [tK, t1] = flip ? [a, b] : [b, a];
    return {
      perCall: (tK.ms - t1.ms) / (K - 1),
      t1: t1.ms,
      tK: tK.ms,
      claude: [t1.claudeDurationMs, tK.claudeDurationMs],
    };
  };

  console.error(`warm-up: one 1-call and one ${K}-call turn per worker`);
  for (const w of workers) await measure(w, false);

  const pairs = [];
  const auditStart = auditDecisions().length;
  for (let i = 0; i < opts.pairs; i++) {
    const order = i % 2 === 0 ? [tg, base] : [base, tg];
    if (bare && i % 2 === 0) order.push(bare);
    else if (bare) order.unshift(bare);
    if (i % 2 === 0) order.push(...diag);
    else order.unshift(...[...diag].reverse());
    const row = {};
    for (const w of order) row[w.name] = await measure(w, i % 2 === 1);
    row.ratio = row.toolgate.perCall / row.baseline.perCall;
    pairs.push(row);
    console.error(
      `pair ${i + 1}/${opts.pairs} (${order.map((w) => w.name).join(' → ')}): ` +
        workers.map((w) => `${w.name} ${fmt(row[w.name].perCall)} ms/call`).join(', ') +
        `, ratio ${fmt(row.ratio, 3)}`,
    );
  }
  const decisions = auditDecisions().slice(auditStart);
  report(pairs, workers, decisions);
}

// A copy of plugin/ whose hooks.json keeps only the events `keep` accepts (plugin/ itself is never touched).
function trimmedPlugin(name, keep) {
  const p = path.join(dir, `plugin-${name}`);
  fs.cpSync(PLUGIN_DIR, p, { recursive: true });
  const f = path.join(p, 'hooks/hooks.json');
  const j = JSON.parse(fs.readFileSync(f, 'utf8'));
  j.hooks = Object.fromEntries(Object.entries(j.hooks).filter(([ev]) => keep(ev)));
  fs.writeFileSync(f, JSON.stringify(j, null, 2));
  return p;
}

// The worker record `toolgate launch` writes (src/workers/registry.ts), so the supervisor decides this worker's calls.
function saveRecord(w) {
  const rec = {
    v: 1,
    name: w.name,
    worker_id: w.sessionId,
    tmux_name: w.name,
    tmux_socket: socket,
    cwd: w.ws,
    events_file: path.join(stateDir, 'events', `${w.sessionId}.jsonl`),
    started_at: new Date().toISOString(),
    claude_bin: CLAUDE_BIN,
    claude_version: '2.1.330',
    policy: [],
    observe: false,
    invocation: ['bench'],
  };
  fs.writeFileSync(
    path.join(stateDir, 'workers', `${w.sessionId}.json`),
    JSON.stringify(rec, null, 2) + '\n',
    { mode: 0o600 },
  );
}

// The supervisor's decision records (for its ts_us -> decision latency).
function auditDecisions() {
  const f = path.join(stateDir, 'audit', 'audit.jsonl');
  if (!fs.existsSync(f)) return [];
  return fs
    .readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((a) => a.kind === 'decision');
}

function report(pairs, workers, decisions) {
  const m = machineInfo();
  const lines = [];
  const out = (s = '') => lines.push(s);
  out(
    `Gated tool call cost (real CLI): ${opts.pairs} pairs, K=${K} sequential Bash calls vs 1 per turn, per call = (tK - t1)/(K-1)`,
  );
  out(`machine: ${m.uname}`);
  out(`cpu: ${m.cpu}, nproc ${m.nproc}; node ${m.node}; ${m.claude}; load at end ${m.loadavg}; ${m.date}`);
  out();
  out('variant      per-call median ms   p99 (max) ms   min ms   1-call turn median ms');
  for (const w of workers) {
    const s = stats(pairs.map((p) => p[w.name].perCall));
    const t1 = stats(pairs.map((p) => p[w.name].t1));
    out(
      `${w.name.padEnd(12)} ${fmt(s.median).padStart(18)} ${fmt(s.p99).padStart(14)} ${fmt(s.min).padStart(8)} ${fmt(t1.median).padStart(22)}`,
    );
  }
  const r = stats(pairs.map((p) => p.ratio));
  out();
  out(
    `ratio toolgate/baseline (median of per-pair ratios): ${fmt(r.median, 3)}  (min ${fmt(r.min, 3)}, max ${fmt(r.max, 3)}; target <= 1.10)`,
  );
  for (const w of workers.filter((x) => !['baseline', 'toolgate'].includes(x.name))) {
    const rr = stats(pairs.map((p) => p[w.name].perCall / p.baseline.perCall));
    out(`ratio ${w.name}/baseline: ${fmt(rr.median, 3)}  (min ${fmt(rr.min, 3)}, max ${fmt(rr.max, 3)})`);
  }
  if (workers.some((w) => w.name === 'nohooks')) {
    const over = (name) => stats(pairs.map((p) => p[name].perCall - p.nohooks.perCall));
    out(
      `hook overhead per call vs no hooks (median of per-pair differences): baseline +${fmt(over('baseline').median)} ms, toolgate +${fmt(over('toolgate').median)} ms`,
    );
  }
  const lat = stats(decisions.map((d) => d.latency_ms));
  out(
    `supervisor, hook's ts_us -> decision recorded (audit latency_ms, ${lat.n} calls): median ${fmt(lat.median)} ms, p99 ${fmt(lat.p99)} ms, max ${fmt(lat.max)} ms`,
  );
  out();
  out('per pair (ms per call):');
  pairs.forEach((p, i) =>
    out(
      `  ${i + 1}: ${workers.map((w) => `${w.name} ${fmt(p[w.name].perCall)} (t1 ${p[w.name].t1}, t${K} ${p[w.name].tK})`).join('; ')}; ratio ${fmt(p.ratio, 3)}`,
    ),
  );
  console.log(lines.join('\n'));
  if (opts.json)
    fs.writeFileSync(
      opts.json,
      JSON.stringify({ machine: m, opts, pairs, decisions: decisions.map((d) => d.latency_ms) }, null, 2),
    );
}

let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  console.error(e instanceof Error ? e.message : e);
} finally {
  if (!interrupted) await cleanup();
}
process.exit(failed ? 1 : 0);
