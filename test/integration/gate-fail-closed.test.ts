// Every way the gate can fail, on the real CLI: each must block the tool (its marker file never appears).
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRig, type Rig } from '../helpers/rig.js';

let rig: Rig;
let ws: string;

// A script whose one Bash call touches `marker`, and whose final text reports the tool result the model got.
function touchScript(name: string, command: string) {
  return {
    name,
    steps: [{ tools: [{ name: 'Bash', input: { command, description: 'test call' } }] }],
    final: (c: { lastResults: { content: string; is_error: boolean }[] }) =>
      `${c.lastResults[0]?.is_error ? 'ERROR' : 'OK'}: ${c.lastResults[0]?.content ?? ''}`,
  };
}

// Each scenario's marker lives in the workspace of the worker that runs it (the floor keeps workers out of each
// other's workspaces).
const workspaceOf: Record<string, string> = {};
function marker(name: string): string {
  return path.join(workspaceOf[name] ?? ws, `marker-${name}`);
}

// Resolves with the first pending call file that appears in the queue.
function nextPending(ms = 40_000): Promise<string> {
  const queue = path.join(rig.stateDir, 'queue');
  const before = new Set(fs.readdirSync(queue));
  return new Promise((resolve, reject) => {
    const done = (err?: Error, file?: string) => {
      clearTimeout(timer);
      w.close();
      if (err) reject(err);
      else resolve(file!);
    };
    const look = () => {
      const f = fs.readdirSync(queue).find((n) => n.endsWith('.tool-pending') && !before.has(n));
      if (f) done(undefined, path.join(queue, f));
    };
    const timer = setTimeout(() => done(new Error('no pending call appeared')), ms);
    const w = fs.watch(queue, look);
    look();
  });
}

// Types a prompt straight into the worker's pane: works while no supervisor records events.
async function typePrompt(worker: string, text: string): Promise<void> {
  await rig.tmux(['send-keys', '-t', `=${worker}:`, '-l', text]);
  await rig.tmux(['send-keys', '-t', `=${worker}:`, 'Enter']);
}

function supervisorPid(): number {
  return Number(fs.readFileSync(path.join(rig.stateDir, 'supervisor.pid'), 'utf8'));
}

async function restartSupervisor(): Promise<void> {
  const r = await rig.toolgate(['supervise', '--daemon']);
  expect(r.code, r.stderr).toBe(0);
}

beforeAll(async () => {
  const names = [
    'nosup',
    'died',
    'takeover',
    'stalled',
    'term',
    'kill',
    'ro',
    'full',
    'empty',
    'garbage',
    'huge',
    'timeout',
  ];
  rig = await createRig([{ name: 'ready', steps: [], final: 'ready' }]);
  ws = rig.workspace('ws');
  workspaceOf.takeover = rig.workspace('ws2');
  workspaceOf.stalled = workspaceOf.timeout = rig.workspace('ws3');
  workspaceOf.ro = rig.workspace('ws-wro');
  workspaceOf.full = rig.workspace('ws-wfull');
  for (const m of ['empty', 'garbage', 'huge']) workspaceOf[m] = rig.workspace(`ws-${m}`);
  for (const n of names) {
    const push = ['died', 'takeover', 'term', 'kill', 'timeout'].includes(n);
    rig.model.add(touchScript(n, `${push ? 'git push origin main 2>/dev/null; ' : ''}touch ${marker(n)}`));
  }
  await rig.launch('w1', ws, [], { TOOLGATE_GATE_GRACE: '3' });
});

afterAll(async () => {
  await rig?.close();
});

describe('the gate fails closed on the real CLI', () => {
  it('denies at once when no supervisor runs, saying how to start one', async () => {
    await rig.toolgate(['supervise', '--stop']);
    try {
      const refused = await rig.toolgate(['send', 'w1', 'hello']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('toolgate supervise --daemon');
      await typePrompt('w1', '<<S:nosup>> go');
      await waitForTranscriptText(
        'ERROR: PreToolUse:Bash hook error: toolgate denied this tool call: no toolgate supervisor is running',
        1,
      );
      expect(fs.existsSync(marker('nosup'))).toBe(false);
    } finally {
      await restartSupervisor();
    }
  });

  it('denies after the grace period when the supervisor dies while a call waits', async () => {
    const pending = nextPending();
    await rig.toolgate(['send', 'w1', '<<S:died>> go']);
    await pending;
    process.kill(supervisorPid(), 'SIGKILL');
    try {
      await waitForTranscriptText(
        'ERROR: PreToolUse:Bash hook error: toolgate denied this tool call: the toolgate supervisor stopped while this call waited',
        1,
      );
      expect(fs.existsSync(marker('died'))).toBe(false);
    } finally {
      await restartSupervisor();
    }
  });

  it('lets a restarted supervisor take over a waiting call', async () => {
    const ws2 = rig.workspace('ws2');
    await rig.launch('w2', ws2); // default 10 s grace
    const pending = nextPending();
    const conv = rig.toolgate(['converse', 'w2', '<<S:takeover>> go']);
    await pending;
    process.kill(supervisorPid(), 'SIGKILL');
    await restartSupervisor();
    const deadline = Date.now() + 10_000;
    let approved = { code: 1, stdout: '', stderr: '' };
    while (Date.now() < deadline) {
      approved = await rig.toolgate(['approve', 'w2', 'allow', '--reason', 'fine']);
      if (approved.code === 0) break;
    }
    expect(approved.code, approved.stderr).toBe(0);
    const r = await conv;
    expect(r.stdout).toMatch(/^OK/);
    expect(fs.existsSync(marker('takeover'))).toBe(true);
    await rig.toolgate(['stop', 'w2']);
  });

  it('denies when no answer comes before the hook deadline (supervisor alive but stalled)', async () => {
    const ws3 = rig.workspace('ws3');
    await rig.launch('w3', ws3, [], { TOOLGATE_GATE_DEADLINE: '4' });
    const pid = supervisorPid();
    process.kill(pid, 'SIGSTOP');
    try {
      await typePrompt('w3', '<<S:stalled>> go');
      await waitForTranscriptText(
        "ERROR: PreToolUse:Bash hook error: toolgate denied this tool call: no decision arrived before the gate's deadline",
        1,
      );
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect(fs.existsSync(marker('stalled'))).toBe(false);
  });

  it('denies when an escalation gets no answer in time', async () => {
    await rig.toolgate(['wait', 'w3', 'stop', '--after-line', '0', '--timeout', '30']);
    const r = await rig.toolgate(['converse', 'w3', '<<S:timeout>> go']);
    expect(r.stdout).toContain('none came in time');
    expect(fs.existsSync(marker('timeout'))).toBe(false);
    await rig.toolgate(['stop', 'w3']);
  });

  it('denies when the hook process is terminated while it waits', async () => {
    const pending = nextPending();
    const conv = rig.toolgate(['converse', 'w1', '<<S:term>> go']);
    const file = await pending;
    process.kill(JSON.parse(fs.readFileSync(file, 'utf8')).hook_pid, 'SIGTERM');
    const r = await conv;
    expect(r.stdout).toContain('ERROR');
    expect(fs.existsSync(marker('term'))).toBe(false);
  });

  it('blocks when the hook process is killed outright (onFailure: block)', async () => {
    const pending = nextPending();
    const conv = rig.toolgate(['converse', 'w1', '<<S:kill>> go']);
    const file = await pending;
    process.kill(JSON.parse(fs.readFileSync(file, 'utf8')).hook_pid, 'SIGKILL');
    const r = await conv;
    expect(r.stdout).toContain('ERROR');
    expect(fs.existsSync(marker('kill'))).toBe(false);
  });

  // Mounts `how` over the worker's queue, runs one prompt typed into its pane, and checks the reason it got.
  async function deniedWithQueue(worker: string, name: string, mount: () => Promise<void>): Promise<void> {
    const wsx = rig.workspace(`ws-${worker}`);
    const sid = await rig.launch(worker, wsx);
    expect((await rig.toolgate(['converse', worker, '<<S:ready>> ready?'])).stdout.trim()).toBe('ready');
    const queue = path.join(rig.stateDir, 'queue');
    await mount();
    try {
      await typePrompt(worker, `<<S:${name}>> go`);
      await waitForTranscriptText(
        'ERROR: PreToolUse:Bash hook error: toolgate denied this tool call: the toolgate state directory is not writable or is full',
        1,
        sid,
      );
    } finally {
      await execa('umount', [queue]);
    }
    expect(fs.existsSync(marker(name))).toBe(false);
    await rig.toolgate(['stop', worker]);
  }

  it('denies when the state directory is read-only (bind mount)', async () => {
    const queue = path.join(rig.stateDir, 'queue');
    await deniedWithQueue('wro', 'ro', async () => {
      await execa('mount', ['--bind', queue, queue]);
      await execa('mount', ['-o', 'remount,ro,bind', queue]);
    });
  });

  it('denies when the state directory is full (tiny tmpfs)', async () => {
    const queue = path.join(rig.stateDir, 'queue');
    await deniedWithQueue('wfull', 'full', async () => {
      await execa('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', queue]);
      await execa('sh', ['-c', `dd if=/dev/zero of=${queue}/.fill bs=4k count=100 2>/dev/null; true`]);
    });
  });
});

describe('bad hook input fails closed on the real CLI', () => {
  // A second gate (an extra plugin) fed mangled stdin: its deny must win over the real gate's allow.
  function manglingPlugin(mode: string): string {
    const dir = path.join(rig.dir, `mangle-${mode}`);
    const gate = path.resolve('plugin/hooks/gate');
    fs.mkdirSync(path.join(dir, '.claude-plugin'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'hooks'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, '.claude-plugin/plugin.json'),
      JSON.stringify({ name: `mangle-${mode}`, version: '0.0.0' }),
    );
    const feed = {
      empty: ':',
      garbage: 'echo not-json-at-all',
      huge: "head -c 17000000 /dev/zero | tr '\\0' x",
    }[mode];
    fs.writeFileSync(
      path.join(dir, 'hooks/hooks.json'),
      JSON.stringify({
        hooks: {
          PreToolUse: [
            {
              matcher: '*',
              hooks: [
                {
                  type: 'command',
                  command: '/bin/sh',
                  args: ['-c', `cat >/dev/null; ${feed} | exec "$0"`, gate],
                  timeout: 60,
                },
              ],
            },
          ],
        },
      }),
    );
    return dir;
  }

  for (const mode of ['empty', 'garbage', 'huge']) {
    it(`denies ${mode} stdin`, async () => {
      const wsm = rig.workspace(`ws-${mode}`);
      await rig.launch(`m-${mode}`, wsm, ['--', '--plugin-dir', manglingPlugin(mode)]);
      const r = await rig.toolgate(['converse', `m-${mode}`, `<<S:${mode}>> go`]);
      expect(r.stdout).toContain('ERROR');
      expect(r.stdout).toContain('toolgate denied this tool call');
      expect(fs.existsSync(marker(mode))).toBe(false);
      await rig.toolgate(['stop', `m-${mode}`]);
    });
  }
});

// Waits until the transcripts under the rig's HOME (only session `sid`'s, when given) contain `text` `times` times.
function waitForTranscriptText(text: string, times: number, sid?: string): Promise<void> {
  const projects = path.join(rig.home, '.claude', 'projects');
  fs.mkdirSync(projects, { recursive: true });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      w.close();
      reject(new Error(`the transcript never showed: ${text}`));
    }, 50_000);
    const look = () => {
      let seen = 0;
      for (const d of fs.existsSync(projects) ? fs.readdirSync(projects) : []) {
        for (const f of fs.readdirSync(path.join(projects, d))) {
          if (f.endsWith('.jsonl') && (!sid || f === `${sid}.jsonl`))
            seen += fs.readFileSync(path.join(projects, d, f), 'utf8').split(text).length - 1;
        }
      }
      if (seen >= times) {
        clearTimeout(timer);
        w.close();
        resolve();
      }
    };
    const w = fs.watch(projects, { recursive: true }, look);
    look();
  });
}
