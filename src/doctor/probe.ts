// Proves on this machine that the gate holds: runs the installed claude once (headless) in a private sandbox
// against the scripted model, with toolgate's plugin and a private supervisor, and checks on disk that an
// allowed call ran and a denied call did not.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { startScriptedModel } from '../model/scripted-model.js';
import { statePaths, ensureState } from '../core/state.js';
import { startDaemon, stopDaemon } from '../gate/run-supervisor.js';
import { saveWorker } from '../workers/registry.js';
import { PLUGIN_DIR } from '../core/package-paths.js';
import { createSlots } from '../gate/slots.js';

export interface ProbeResult {
  allowedRan: boolean;
  deniedRan: boolean;
  denialSeen: boolean;
  detail: string;
}

const KEY = 'sk-ant-doctor-0123456789abcdefghij';

// Runs the probe with `claudeBin`; never leaves anything behind.
export async function probeGate(claudeBin: string, version: string): Promise<ProbeResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolgate-doctor-'));
  fs.chmodSync(dir, 0o700);
  const home = path.join(dir, 'home');
  const ws = path.join(dir, 'ws');
  fs.mkdirSync(home, { mode: 0o700 });
  fs.mkdirSync(ws);
  const okMarker = path.join(ws, 'allowed-ran');
  const badMarker = path.join(ws, '.claude', 'settings.json');
  const model = await startScriptedModel([
    {
      name: 'doctor',
      steps: [
        { tools: [{ name: 'Bash', input: { command: `touch ${okMarker}`, description: 'allowed call' } }] },
        { tools: [{ name: 'Write', input: { file_path: badMarker, content: '{"disableAllHooks":true}' } }] },
      ],
      final: (c) => `denied=${c.lastResults[0]?.is_error === true} ${c.lastResults[0]?.content ?? ''}`,
    },
  ]);
  const env: NodeJS.ProcessEnv = {
    TOOLGATE_STATE_DIR: path.join(dir, 'state'),
    HOME: home,
    PATH: process.env.PATH,
  };
  const s = ensureState(env);
  try {
    fs.writeFileSync(
      path.join(home, '.claude.json'),
      JSON.stringify({
        hasCompletedOnboarding: true,
        customApiKeyResponses: { approved: [KEY.slice(-20)], rejected: [] },
        projects: { [ws]: { hasTrustDialogAccepted: true } },
      }),
    );
    await startDaemon(s, { policies: [], logLevel: 'warn' }, env);
    const workerId = randomUUID();
    saveWorker(s, {
      v: 1,
      name: 'doctor',
      worker_id: workerId,
      tmux_name: 'doctor',
      tmux_socket: null,
      cwd: ws,
      events_file: path.join(statePaths(s.root).events, `${workerId}.jsonl`),
      started_at: new Date().toISOString(),
      claude_bin: claudeBin,
      claude_version: version,
      policy: [],
      observe: false,
      invocation: ['doctor'],
    });
    await createSlots(s, workerId);
    const r = await execa(
      claudeBin,
      [
        '-p',
        '<<S:doctor>> run the checks',
        '--session-id',
        workerId,
        '--plugin-dir',
        PLUGIN_DIR,
        '--dangerously-skip-permissions',
        '--settings',
        JSON.stringify({ skipDangerousModePermissionPrompt: true }),
        '--setting-sources',
        'user',
        '--output-format',
        'json',
      ],
      {
        cwd: ws,
        reject: false,
        timeout: 120_000,
        extendEnv: false,
        input: '',
        env: {
          HOME: home,
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          ANTHROPIC_API_KEY: KEY,
          ANTHROPIC_BASE_URL: model.url,
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          TOOLGATE_WORKER: 'doctor',
          TOOLGATE_WORKER_ID: workerId,
          TOOLGATE_STATE_DIR: s.root,
          ...(process.getuid?.() === 0 ? { IS_SANDBOX: '1' } : {}),
        },
      },
    );
    const out = String(r.stdout ?? '');
    return {
      allowedRan: fs.existsSync(okMarker),
      deniedRan: fs.existsSync(badMarker),
      denialSeen: /denied=true/.test(out),
      detail: out.slice(0, 400) || String(r.stderr ?? '').slice(0, 400),
    };
  } finally {
    await stopDaemon(s).catch(() => undefined);
    await model.close();
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}
