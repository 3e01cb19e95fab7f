// Launches a worker: Claude Code in a detached tmux session, with toolgate's plugin, a fixed session id, bypass
// mode pre-answered, an exact environment, and a supervisor running; waits for its session_start event.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { PLUGIN_DIR } from '../core/package-paths.js';
import { ToolgateError } from '../core/errors.js';
import { ensureState, type StatePaths } from '../core/state.js';
import { claudeVersion, findClaude, isTested, TESTED_VERSIONS } from './claude-bin.js';
import { listWorkers, removeWorker, saveWorker, validateName, type WorkerRecord } from './registry.js';
import {
  capturePane,
  hasSession,
  killSession,
  newSession,
  paneTail,
  sendKeys,
  socketFromEnv,
  tmuxOn,
  type Tmux,
} from './tmux.js';
import { canonicalDir, isTrusted, trustDir } from './trust.js';
import { buildWorkerEnv, hooksDisabledBy, writeEnvFile } from './worker-env.js';
import { countLines, waitForEvent } from './events.js';
import { assertPoliciesLoad, startDaemon } from '../gate/run-supervisor.js';
import { createSlots } from '../gate/slots.js';

export interface LaunchOptions {
  name: string;
  workdir: string;
  claudeArgs: string[];
  trust: boolean;
  /** Keep Claude Code's project and local settings (off by default: a planted disableAllHooks could switch hooks off). */
  projectSettings: boolean;
  policies: string[];
  observe: boolean;
  env: Record<string, string>;
  startTimeoutMs: number;
  /** Adopt: resume this existing session (`claude --resume ID`) instead of starting a new one. */
  resume?: string;
}

export interface LaunchResult {
  session_id: string;
  tmux_name: string;
  events_file: string;
}

/** Text of Claude Code's workspace-trust dialog. */
const TRUST_DIALOG = /trust (this|the files in this) folder|Do you trust/i;

// Launches a worker, printing notes (root, version, supervisor start) through `note`.
export async function launchWorker(
  callerEnv: NodeJS.ProcessEnv,
  o: LaunchOptions,
  note: (text: string) => void,
): Promise<LaunchResult> {
  validateName(o.name);
  assertPoliciesLoad(o.policies, 'launch'); // a --policy that does not load: refused before anything is done
  const cwd = canonicalDir(o.workdir);
  const disabledBy = hooksDisabledBy(callerEnv);
  if (disabledBy) {
    throw new ToolgateError(
      'HOOKS_DISABLED',
      `${disabledBy} sets "disableAllHooks": true, which would switch the gate off`,
      {
        hint: `remove disableAllHooks from ${disabledBy}; toolgate will not start a worker whose hooks are off`,
      },
    );
  }
  if (o.trust) note(`trusting ${trustDir(callerEnv, cwd)} for toolgate`);
  const claudeBin = findClaude(callerEnv);
  const version = await claudeVersion(claudeBin);
  if (!isTested(version)) {
    note(
      `warning: Claude Code ${version} has not been tested with toolgate (tested: ${TESTED_VERSIONS.join(', ')})`,
    );
  }
  const s = ensureState(callerEnv);
  const tmux = tmuxOn(socketFromEnv(callerEnv));
  if (await hasSession(tmux, o.name)) {
    throw new ToolgateError('NAME_TAKEN', `a tmux session named "${o.name}" already exists`, {
      hint: 'pick another --name, or stop that worker first (`toolgate stop NAME`)',
    });
  }
  // Adopting takes over the record of the same session (its tmux session is gone, checked above by name).
  const clash = listWorkers(s).find((w) => w.name === o.name && !(o.resume && w.worker_id === o.resume));
  if (clash) {
    throw new ToolgateError(
      'NAME_TAKEN',
      `toolgate still has a record of a worker named "${o.name}" (${clash.worker_id})`,
      {
        hint: '`toolgate prune` drops records of workers that are gone',
      },
    );
  }
  // The worker's own --policy layers live in its record; the supervisor it starts keeps the default base policy.
  const sup = await startDaemon(s, { policies: [], logLevel: 'info' }, callerEnv);
  if (sup.started) note(`started a toolgate supervisor (pid ${sup.pid}) for ${s.root}`);

  if (
    o.resume !== undefined &&
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(o.resume)
  ) {
    throw new ToolgateError('USAGE', `"${o.resume}" is not a Claude Code session id`, {
      hint: 'session ids look like 0c0ffee0-1234-4abc-9def-000000000001',
    });
  }
  const workerId = o.resume ?? randomUUID();
  const isRoot = process.getuid?.() === 0;
  if (isRoot)
    note('running as root: setting IS_SANDBOX=1, which Claude Code requires for bypass mode as root');
  const rec: WorkerRecord = {
    v: 1,
    name: o.name,
    worker_id: workerId,
    tmux_name: o.name,
    tmux_socket: tmux.socket,
    cwd,
    events_file: path.join(s.events, `${workerId}.jsonl`),
    started_at: new Date().toISOString(),
    claude_bin: claudeBin,
    claude_version: version,
    policy: o.policies,
    observe: o.observe,
    invocation: process.argv.slice(2),
  };
  saveWorker(s, rec);
  await createSlots(s, workerId);

  const term =
    (await tmux.run(['show-options', '-gv', 'default-terminal'])).stdout.trim() || 'screen-256color';
  const env = buildWorkerEnv({
    callerEnv,
    workerName: o.name,
    workerId,
    stateDir: s.root,
    term,
    isRoot,
    extra: o.env,
  });
  const envFile = path.join(s.workers, `${workerId}.env`);
  writeEnvFile(envFile, env);
  const claudeArgs = [
    ...(o.resume ? ['--resume', workerId] : ['--session-id', workerId]),
    '--plugin-dir',
    PLUGIN_DIR,
    '--dangerously-skip-permissions',
    '--settings',
    JSON.stringify({ skipDangerousModePermissionPrompt: true }),
    ...(o.projectSettings ? [] : ['--setting-sources', 'user']),
    '--disallowed-tools',
    'AskUserQuestion',
    ...o.claudeArgs,
  ];
  const argv = [
    '/usr/bin/env',
    '-i',
    '/bin/bash',
    '--noprofile',
    '--norc',
    path.join(PLUGIN_DIR, 'bin/worker-exec'),
    envFile,
    claudeBin,
    ...claudeArgs,
  ];
  try {
    await newSession(tmux, o.name, cwd, argv);
  } catch (e) {
    removeWorker(s, workerId);
    fs.rmSync(envFile, { force: true });
    throw e;
  }
  try {
    await awaitStart(s, rec, tmux, callerEnv, o.startTimeoutMs);
  } catch (e) {
    const tail = await paneTail(tmux, o.name);
    await killSession(tmux, o.name);
    removeWorker(s, workerId);
    fs.rmSync(envFile, { force: true });
    if (!o.resume) fs.rmSync(rec.events_file, { force: true });
    if (e instanceof ToolgateError && e.code === 'UNTRUSTED_DIR') throw e;
    throw new ToolgateError(
      'LAUNCH_FAILED',
      `worker "${o.name}" did not start: ${(e as Error).message}${tail ? `\n--- last lines of its pane ---\n${tail}` : ''}`,
      {
        hint: 'check the pane output above; a first-run dialog or a missing API key are the usual causes',
      },
    );
  }
  return { session_id: workerId, tmux_name: o.name, events_file: rec.events_file };
}

// Waits for session_start, answering the workspace-trust dialog only for a directory trusted for toolgate.
async function awaitStart(
  s: StatePaths,
  rec: WorkerRecord,
  tmux: Tmux,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<void> {
  const controller = new AbortController();
  let failure: Error | undefined;
  let answeredTrust = false;
  // One look at a time: under load a look can outlast the interval, and two overlapping looks could press Down
  // after the other pressed Enter on "Yes" (or twice), leaving the cursor on "No, exit".
  let looking = false;
  const watchPane = setInterval(() => {
    if (looking) return;
    looking = true;
    void (async () => {
      if (!(await hasSession(tmux, rec.tmux_name))) {
        failure = new ToolgateError('LAUNCH_FAILED', 'the worker exited during start');
        controller.abort();
        return;
      }
      const screen = await capturePane(tmux, rec.tmux_name);
      if (!answeredTrust && TRUST_DIALOG.test(screen)) {
        if (isTrusted(env, rec.cwd)) {
          // The dialog's default is "No, exit": move the cursor onto the "Yes" option, and confirm only once it is there.
          if (/❯\s*(\d\.\s*)?Yes/.test(screen)) {
            answeredTrust = true;
            await sendKeys(tmux, rec.tmux_name, 'Enter');
          } else {
            await sendKeys(tmux, rec.tmux_name, 'Down');
          }
        } else {
          failure = new ToolgateError(
            'UNTRUSTED_DIR',
            `Claude Code asks whether to trust ${rec.cwd}, and toolgate was not told to`,
            {
              hint: `if you trust it, run \`toolgate trust ${rec.cwd}\` (or launch with --trust), then launch again`,
            },
          );
          controller.abort();
        }
      }
    })().finally(() => {
      looking = false;
    });
  }, 300);
  try {
    const from = countLines(rec.events_file); // an adopted worker keeps its old events
    await waitForEvent(rec.events_file, (e) => e.event === 'session_start', {
      afterLine: from,
      timeoutMs,
      signal: controller.signal,
    });
  } catch (e) {
    throw failure ?? e;
  } finally {
    clearInterval(watchPane);
  }
  void s;
}
