// Real Claude Code TUI workers in tmux for the benchmarks: a fresh HOME per worker, prompts pasted through
// tmux, and turn times read from the session transcript (the same method for every kind of worker).
import fs from 'node:fs';
import path from 'node:path';
import { API_KEY, CLAUDE_BIN, run, sleep } from './common.mjs';

// A tmux client on a private socket (never the user's default server).
export function tmuxOn(socket) {
  return async (args, input) => {
    const r = await run('tmux', ['-S', socket, ...args], { input, timeoutMs: 15000 });
    return { ok: r.code === 0, stdout: r.stdout, stderr: r.stderr };
  };
}

// A fresh HOME whose Claude Code configuration skips onboarding, accepts the test key and trusts `workspace`.
export function freshHome(home, workspace) {
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  fs.mkdirSync(workspace, { recursive: true });
  const real = fs.realpathSync(workspace);
  fs.writeFileSync(
    path.join(home, '.claude.json'),
    JSON.stringify({
      hasCompletedOnboarding: true,
      customApiKeyResponses: { approved: [API_KEY.slice(-20)], rejected: [] },
      projects: { [real]: { hasTrustDialogAccepted: true } },
    }),
  );
  return real;
}

/** Environment passed to a worker, as src/workers/worker-env.ts builds it (minus toolgate's own variables). */
export function workerEnv(home, modelUrl, term) {
  const env = {
    HOME: home,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    ANTHROPIC_API_KEY: API_KEY,
    ANTHROPIC_BASE_URL: modelUrl,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    TERM: term,
  };
  if (process.getuid?.() === 0) env.IS_SANDBOX = '1';
  return env;
}

// The flags src/workers/launch.ts gives a worker, minus the plugin (added by the caller when wanted).
export function claudeArgs(sessionId, extra = []) {
  return [
    '--session-id',
    sessionId,
    ...extra,
    '--dangerously-skip-permissions',
    '--settings',
    JSON.stringify({ skipDangerousModePermissionPrompt: true }),
    '--setting-sources',
    'user',
    '--disallowed-tools',
    'AskUserQuestion',
  ];
}

// Starts Claude Code directly in a detached tmux session (same geometry as toolgate's newSession).
export async function startDirect(tmux, name, cwd, env, args) {
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const r = await tmux([
    'new-session',
    '-d',
    '-s',
    name,
    '-x',
    '200',
    '-y',
    '50',
    '-c',
    cwd,
    '--',
    '/usr/bin/env',
    '-i',
    ...envArgs,
    CLAUDE_BIN,
    ...args,
  ]);
  if (!r.ok) throw new Error(`tmux new-session ${name}: ${r.stderr}`);
}

export async function capture(tmux, name) {
  return (await tmux(['capture-pane', '-p', '-t', `=${name}:`])).stdout;
}

// Waits until the TUI shows its input box (the bypass-mode footer is drawn with it).
export async function waitReady(tmux, name, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < end) {
    screen = await capture(tmux, name);
    if (/bypass permissions/i.test(screen)) return;
    await sleep(250);
  }
  throw new Error(`worker ${name} did not become ready; screen:\n${screen}`);
}

// A session's transcript: <HOME>/.claude/projects/<encoded cwd>/<session id>.jsonl (found by globbing).
export function transcriptFile(home, sessionId) {
  const projects = path.join(home, '.claude', 'projects');
  let dirs = [];
  try {
    dirs = fs.readdirSync(projects);
  } catch {
    return undefined;
  }
  for (const d of dirs) {
    const f = path.join(projects, d, `${sessionId}.jsonl`);
    if (fs.existsSync(f)) return f;
  }
  return undefined;
}

function readEntries(file) {
  if (!file) return [];
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      /* a line being written */
    }
  }
  return out;
}

const textOf = (content) =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content
          .filter((b) => b.type === 'text')
          .map((b) => b.text ?? '')
          .join('\n')
      : '';

/**
 * Runs one turn: pastes `prompt` (which must be unique in the session), presses Enter (again if the prompt is not
 * in the transcript after a while), and waits for the assistant message whose text contains `doneText`.
 * Returns the turn time from the transcript: the user entry's timestamp to that final message's timestamp.
 */
export async function runTurn(tmux, w, prompt, doneText, { timeoutMs = 180000 } = {}) {
  const buf = `bench-${process.pid}-${Date.now()}`;
  await tmux(['load-buffer', '-b', buf, '-'], prompt);
  await tmux(['paste-buffer', '-p', '-d', '-b', buf, '-t', `=${w.name}:`]);
  await sleep(150);
  await tmux(['send-keys', '-t', `=${w.name}:`, 'Enter']);
  const end = Date.now() + timeoutMs;
  let nextEnter = Date.now() + 5000;
  let user;
  for (;;) {
    const file = (w.transcript ??= transcriptFile(w.home, w.sessionId));
    const entries = readEntries(file);
    const ui = entries.findIndex((e) => e.type === 'user' && textOf(e.message?.content).includes(prompt));
    if (ui >= 0) {
      user = entries[ui];
      const fin = entries
        .slice(ui + 1)
        .find((e) => e.type === 'assistant' && textOf(e.message?.content).includes(doneText));
      if (fin) {
        const after = entries.slice(ui + 1);
        const toolUses = after.filter(
          (e) =>
            e.type === 'assistant' &&
            Array.isArray(e.message?.content) &&
            e.message.content.some((b) => b.type === 'tool_use'),
        ).length;
        const dur = after.find((e) => e.type === 'system' && e.subtype === 'turn_duration');
        return {
          ms: Date.parse(fin.timestamp) - Date.parse(user.timestamp),
          toolUses,
          claudeDurationMs: dur?.durationMs,
          start: user.timestamp,
          end: fin.timestamp,
        };
      }
    } else if (Date.now() > nextEnter) {
      await tmux(['send-keys', '-t', `=${w.name}:`, 'Enter']);
      nextEnter = Date.now() + 5000;
    }
    if (Date.now() > end) {
      throw new Error(
        `turn "${prompt}" on ${w.name} did not finish in ${timeoutMs / 1000}s (prompt ${user ? 'seen' : 'not seen'}); screen:\n${await capture(tmux, w.name)}`,
      );
    }
    await sleep(50);
  }
}
