// Shared setup for the examples: a throwaway world in which the `toolgate` CLI drives real Claude Code workers
// against the scripted model (no network, no real API key):
//   - the scripted model on 127.0.0.1, started in this process;
//   - a fresh temporary HOME whose .claude.json has onboarding done, the fake API key approved and each
//     workspace trusted (so Claude Code shows no first-run dialogs);
//   - a private TOOLGATE_STATE_DIR and TOOLGATE_TMUX_SOCKET, and TOOLGATE_CLAUDE_BIN = the pinned CLI.
// `runExample(scripts, main)` builds it, runs `main(sandbox)`, and always cleans up (workers, supervisor, tmux
// server, model, temp dirs), also on an error or Ctrl-C. Exit status: 0 when main returns, 1 when it throws.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TOOLGATE = path.join(ROOT, 'bin/toolgate.js');
const API_KEY = 'sk-ant-example-0123456789abcdefghij';

// Prints one step of an example.
export function say(text) {
  process.stdout.write(`${text}\n`);
}

function claudeBin() {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@anthropic-ai/claude-code/package.json')), 'bin/claude.exe');
}

async function loadModel() {
  const built = path.join(ROOT, 'dist/model/scripted-model.js');
  if (!fs.existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
  return import('../../dist/model/scripted-model.js');
}

export async function createSandbox(scripts) {
  const { startScriptedModel } = await loadModel();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolgate-example-'));
  fs.chmodSync(dir, 0o700);
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { mode: 0o700 });
  const claudeJson = path.join(home, '.claude.json');
  const settings = {
    hasCompletedOnboarding: true,
    customApiKeyResponses: { approved: [API_KEY.slice(-20)], rejected: [] },
    projects: {},
  };
  fs.writeFileSync(claudeJson, JSON.stringify(settings));
  const model = await startScriptedModel(scripts);
  const env = {
    HOME: home,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    ANTHROPIC_API_KEY: API_KEY,
    ANTHROPIC_BASE_URL: model.url,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    TOOLGATE_STATE_DIR: path.join(dir, 'state'),
    TOOLGATE_TMUX_SOCKET: path.join(dir, 'tmux.sock'),
    TOOLGATE_CLAUDE_BIN: claudeBin(),
    TOOLGATE_CONFIG_DIR: path.join(home, '.config/toolgate'),
  };

  // Runs `toolgate ARGS`; never throws (look at .code).
  async function toolgate(args, opts = {}) {
    const r = await execa(process.execPath, [TOOLGATE, ...args], {
      env,
      extendEnv: false,
      reject: false,
      input: opts.input ?? '',
      timeout: opts.timeoutMs ?? 180_000,
    });
    return { code: r.exitCode ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  }

  // Runs `toolgate ARGS` and returns its stdout, or throws with its stderr.
  async function must(args, opts) {
    const r = await toolgate(args, opts);
    if (r.code !== 0) throw new Error(`toolgate ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  let closed = false;
  return {
    dir,
    home,
    env,
    model,
    toolgate,
    must,
    // A workspace directory that Claude Code already trusts (no trust dialog).
    workspace(name) {
      const ws = path.join(dir, name);
      fs.mkdirSync(ws, { recursive: true });
      const real = fs.realpathSync(ws);
      settings.projects[real] = { hasTrustDialogAccepted: true };
      fs.writeFileSync(claudeJson, JSON.stringify(settings));
      return real;
    },
    // Launches a worker; returns {session_id, tmux_name, events_file}.
    async launch(name, workdir, extra = []) {
      return JSON.parse(await must(['launch', '--name', name, '--workdir', workdir, ...extra]));
    },
    // Stops every worker, the supervisor, the tmux server and the model, and removes the temporary files.
    async close() {
      if (closed) return;
      closed = true;
      const list = await toolgate(['list', '--all', '--json']);
      let workers = [];
      try {
        workers = JSON.parse(list.stdout || '[]');
      } catch {
        /* no workers */
      }
      for (const w of workers) await toolgate(['stop', w.session_id ?? w.name]);
      await toolgate(['supervise', '--stop']);
      await execa('tmux', ['-S', env.TOOLGATE_TMUX_SOCKET, 'kill-server'], { reject: false });
      await model.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Builds a sandbox serving `scripts`, runs `main(sandbox)`, cleans up, and sets the exit status.
export async function runExample(scripts, main) {
  let sandbox;
  const onSignal = async (sig) => {
    say(`\n${sig}: cleaning up`);
    await sandbox?.close().catch(() => undefined);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  // Output piped into `head` that closed early must not end the example before it cleans up.
  process.stdout.on('error', () => undefined);
  process.once('SIGHUP', onSignal);
  // Output piped into `head` that closed early must not end the example before it cleans up.
  process.stdout.on('error', () => undefined);
  try {
    sandbox = await createSandbox(scripts);
    await main(sandbox);
    say('example finished');
  } catch (e) {
    process.stderr.write(`example failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  } finally {
    await sandbox?.close().catch((e) => process.stderr.write(`cleanup: ${e.message}\n`));
  }
}
