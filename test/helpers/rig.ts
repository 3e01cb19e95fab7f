// A test rig: a fresh HOME, the scripted model on 127.0.0.1, a private tmux socket and state directory, and a
// way to run the real `toolgate` command against the pinned Claude Code CLI.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { execa } from 'execa';
import { startScriptedModel, type Script, type ScriptedModel } from '../../src/model/scripted-model.js';
import { trustDir } from '../../src/workers/trust.js';

const require = createRequire(import.meta.url);
export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const TOOLGATE = path.join(ROOT, 'bin/toolgate.js');
/** The pinned Claude Code CLI (devDependency). */
export const CLAUDE_BIN = path.join(
  path.dirname(require.resolve('@anthropic-ai/claude-code/package.json')),
  'bin/claude.exe',
);
/** The oldest supported CLI, installed apart in test/floor (see .ci/run). */
export const FLOOR_CLAUDE_BIN = path.join(
  ROOT,
  'test/floor/node_modules/@anthropic-ai/claude-code/bin/claude.exe',
);
export const API_KEY = 'sk-ant-test-0123456789abcdefghij';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Rig {
  dir: string;
  home: string;
  stateDir: string;
  socket: string;
  env: Record<string, string>;
  model: ScriptedModel;
  /** Creates a workspace directory that Claude Code already trusts (no trust dialog). */
  workspace(name: string, opts?: { claudeTrusted?: boolean }): string;
  toolgate(
    args: string[],
    opts?: { input?: string; env?: Record<string, string>; timeoutMs?: number },
  ): Promise<RunResult>;
  /** Launches a worker and returns its session id (throws with the command's stderr on failure). */
  launch(name: string, workdir: string, extra?: string[], env?: Record<string, string>): Promise<string>;
  tmux(args: string[]): Promise<RunResult>;
  /** Resolves with a worker's screen once it shows `text` (polled: a screen has no change event); throws after `ms`. */
  screenUntil(worker: string, text: string, ms?: number): Promise<string>;
  /**
   * Answers the confirmation dialog on a worker's screen with `key` (a digit picks an option at once), pressing it
   * again while the dialog is still there after a moment (a key sent as the dialog is drawn can be lost).
   */
  answerDialog(worker: string, key: string, ms?: number): Promise<void>;
  close(): Promise<void>;
}

// Builds a rig whose model serves `scripts`; close() stops the supervisor, the tmux server and the model.
export async function createRig(scripts: Script[] = [], opts: { claudeBin?: string } = {}): Promise<Rig> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-'));
  fs.chmodSync(dir, 0o700);
  const home = path.join(dir, 'home');
  const stateDir = path.join(dir, 'state');
  const socket = path.join(dir, 'tmux.sock');
  fs.mkdirSync(home, { mode: 0o700 });
  const claudeJson = path.join(home, '.claude.json');
  fs.writeFileSync(
    claudeJson,
    JSON.stringify({
      hasCompletedOnboarding: true,
      customApiKeyResponses: { approved: [API_KEY.slice(-20)], rejected: [] },
      projects: {},
    }),
  );
  const model = await startScriptedModel(scripts);
  const env: Record<string, string> = {
    HOME: home,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    ANTHROPIC_API_KEY: API_KEY,
    ANTHROPIC_BASE_URL: model.url,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    TOOLGATE_STATE_DIR: stateDir,
    TOOLGATE_TMUX_SOCKET: socket,
    TOOLGATE_CLAUDE_BIN: opts.claudeBin ?? CLAUDE_BIN,
    TOOLGATE_CONFIG_DIR: path.join(home, '.config/toolgate'),
  };
  const run = async (
    file: string,
    args: string[],
    o: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {},
  ) => {
    const r = await execa(file, args, {
      env: { ...env, ...o.env },
      extendEnv: false,
      reject: false,
      input: o.input ?? '',
      timeout: o.timeoutMs ?? 120_000,
    });
    return { code: r.exitCode ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  };
  const rig: Rig = {
    dir,
    home,
    stateDir,
    socket,
    env,
    model,
    workspace(name, o = {}) {
      const ws = path.join(dir, name);
      fs.mkdirSync(ws, { recursive: true });
      const real = fs.realpathSync(ws);
      if (o.claudeTrusted !== false) {
        const j = JSON.parse(fs.readFileSync(claudeJson, 'utf8'));
        j.projects = j.projects ?? {};
        j.projects[real] = { ...(j.projects[real] ?? {}), hasTrustDialogAccepted: true };
        fs.writeFileSync(claudeJson, JSON.stringify(j));
        // A running worker may rewrite ~/.claude.json from its own copy and drop the entry just written: trusted
        // for toolgate too, launch answers the trust dialog should it show after all.
        trustDir(env, real);
      }
      return real;
    },
    toolgate: (args, o) => run(process.execPath, [TOOLGATE, ...args], o),
    async launch(name, workdir, extra = [], e) {
      const r = await run(
        process.execPath,
        [TOOLGATE, 'launch', '--name', name, '--workdir', workdir, ...extra],
        { env: e },
      );
      if (r.code !== 0) throw new Error(`launch ${name} failed (${r.code}): ${r.stderr}`);
      return (JSON.parse(r.stdout) as { session_id: string }).session_id;
    },
    tmux: (args) => run('tmux', ['-S', socket, ...args]),
    async screenUntil(worker, text, ms = 30_000) {
      const until = Date.now() + ms;
      let screen = '';
      while (Date.now() < until) {
        screen = (await run('tmux', ['-S', socket, 'capture-pane', '-p', '-t', `=${worker}:`])).stdout;
        if (screen.includes(text)) return screen;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`the screen of ${worker} never showed ${text}:\n${screen}`);
    },
    async answerDialog(worker, key, ms = 20_000) {
      const until = Date.now() + ms;
      const capture = async () =>
        (await run('tmux', ['-S', socket, 'capture-pane', '-p', '-t', `=${worker}:`])).stdout;
      let screen = await capture();
      while (Date.now() < until) {
        await run('tmux', ['-S', socket, 'send-keys', '-t', `=${worker}:`, key]);
        const again = Date.now() + 2_000;
        while (Date.now() < again) {
          screen = await capture();
          if (!screen.includes('Do you want to proceed?')) return;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      throw new Error(`the dialog on ${worker} did not take ${key}:\n${screen}`);
    },
    async close() {
      await run(process.execPath, [TOOLGATE, 'supervise', '--stop']);
      await run('tmux', ['-S', socket, 'kill-server']);
      await model.close();
      // Claude Code keeps writing its session files for a moment after its tmux server is killed: wait until no
      // process runs with this rig's HOME, then remove the directory.
      await untilNoProcessWithHome(home, 15_000);
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    },
  };
  return rig;
}

// Resolves once no process has HOME=`home` in its environment (or after `ms`).
async function untilNoProcessWithHome(home: string, ms: number): Promise<void> {
  const needle = Buffer.from(`HOME=${home}\0`);
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const alive = fs.readdirSync('/proc').some((pid) => {
      if (!/^\d+$/.test(pid) || Number(pid) === process.pid) return false;
      try {
        return fs.readFileSync(`/proc/${pid}/environ`).includes(needle);
      } catch {
        return false;
      }
    });
    if (!alive) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Reads a worker's events file as parsed objects.
export function eventsOf(rig: Rig, sessionId: string): Array<Record<string, unknown>> {
  const file = path.join(rig.stateDir, 'events', `${sessionId}.jsonl`);
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

// The audit records written so far.
export function auditOf(rig: Rig): Array<Record<string, unknown>> {
  const dir = path.join(rig.stateDir, 'audit');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl') && !f.startsWith('checkpoint'))
    .sort()
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
