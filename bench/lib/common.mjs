// Shared helpers for the benchmarks in bench/: paths, statistics, process runs, machine description.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TOOLGATE = path.join(ROOT, 'bin/toolgate.js');
export const PLUGIN_DIR = path.join(ROOT, 'plugin');
export const GATE_HOOK = path.join(PLUGIN_DIR, 'hooks/gate');
/** The pinned Claude Code CLI (devDependency), as the test rig uses it. */
export const CLAUDE_BIN = path.join(
  path.dirname(require.resolve('@anthropic-ai/claude-code/package.json')),
  'bin/claude.exe',
);
export const API_KEY = 'sk-ant-test-0123456789abcdefghij';

/** Wall clock in epoch microseconds with sub-ms precision (comparable with bash's EPOCHREALTIME). */
export function nowUs() {
  return (performance.timeOrigin + performance.now()) * 1000;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Parses `--name value` and `--flag` options into an object (numbers converted when `numeric` lists them).
export function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const key = a.slice(2);
    if (!(key in defaults))
      throw new Error(
        `unknown option ${a} (known: ${Object.keys(defaults)
          .map((k) => '--' + k)
          .join(' ')})`,
      );
    if (typeof defaults[key] === 'boolean') out[key] = true;
    else {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      out[key] = typeof defaults[key] === 'number' ? Number(v) : v;
      if (typeof defaults[key] === 'number' && !Number.isFinite(out[key]))
        throw new Error(`${a} needs a number`);
    }
  }
  return out;
}

// Order statistics: median, nearest-rank p99 (the max when n < 100), min, max, n.
export function stats(values) {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  if (n === 0) return { n: 0, median: NaN, p99: NaN, min: NaN, max: NaN };
  const median = n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  const p99 = v[Math.min(n - 1, Math.ceil(0.99 * n) - 1)];
  return { n, median, p99, min: v[0], max: v[n - 1] };
}

export const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

// Runs a command to completion; returns {code, stdout, stderr} (never throws on a non-zero exit).
export function run(file, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

// The machine a benchmark ran on, for RESULTS.md.
export function machineInfo() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'unknown';
  let claude = 'unknown';
  try {
    claude = execFileSync(CLAUDE_BIN, ['--version'], {
      encoding: 'utf8',
      env: { ...process.env, DISABLE_AUTOUPDATER: '1' },
    }).trim();
  } catch {
    /* reported as unknown */
  }
  return {
    uname: execFileSync('uname', ['-a'], { encoding: 'utf8' }).trim(),
    cpu: model,
    nproc: execFileSync('nproc', { encoding: 'utf8' }).trim(),
    node: process.version,
    claude,
    date: new Date().toISOString(),
    loadavg: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

// A private temp directory (0700), removed by the returned cleanup.
export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o700);
  return dir;
}

// A 1 KB-ish PreToolUse payload for a Bash call, shaped like Claude Code's (session_id first, tool_use_id last).
export function preToolUsePayload(sessionId, toolUseId, cwd = '/tmp', size = 1024) {
  const base = {
    session_id: sessionId,
    transcript_path: `/root/.claude/projects/-tmp/${sessionId}.jsonl`,
    cwd,
    permission_mode: 'bypassPermissions',
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command: 'true', description: 'x' },
    tool_use_id: toolUseId,
  };
  const fill = size - JSON.stringify(base).length;
  if (fill > 0) base.tool_input.description = 'x'.repeat(fill + 1);
  // Keep tool_use_id last.
  const { tool_use_id, ...rest } = base;
  return JSON.stringify({ ...rest, tool_use_id });
}

// Waits until none of `pids` is alive (or the timeout passes).
export async function waitGone(pids, timeoutMs) {
  const end = Date.now() + timeoutMs;
  const alive = (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  while (pids.some(alive) && Date.now() < end) await sleep(100);
}
