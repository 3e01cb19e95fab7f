// The gate hook as a real process: what it prints for every input, and that only a matching decision passes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';

const GATE = path.resolve('plugin/hooks/gate');
const PAYLOAD = JSON.stringify({
  session_id: 'sess-1',
  transcript_path: '/t.jsonl',
  cwd: '/w',
  hook_event_name: 'PreToolUse',
  tool_name: 'Bash',
  tool_input: { command: 'ls', description: 'has "tool_use_id":"toolu_fake" inside' },
  tool_use_id: 'toolu_real',
});
const CALL = 'sess-1.toolu_real';

let dir: string;
let state: string;
let fakeSupervisor: ChildProcess;

function decisionOf(stdout: string): { permissionDecision: string; permissionDecisionReason?: string } {
  const lines = stdout.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1); // exactly one JSON object, nothing else
  const out = JSON.parse(lines[0]!);
  expect(out.hookSpecificOutput.hookEventName).toBe('PreToolUse');
  return out.hookSpecificOutput;
}

function runGate(input: string, env: Record<string, string> = {}) {
  return execa(GATE, [], {
    input,
    reject: false,
    env: {
      PATH: process.env.PATH!,
      TOOLGATE_WORKER_ID: 'w-00000001',
      TOOLGATE_WORKER: 'w1',
      TOOLGATE_STATE_DIR: state,
      ...env,
    },
    extendEnv: false,
    timeout: 30_000,
  });
}

// Resolves with the pending call's file once the hook marks it complete (`<call>.<pid>-<us>.tool-ready`): the
// temp file the supervisor would publish. This test plays the supervisor.
function pendingFile(): Promise<string> {
  const q = path.join(state, 'queue');
  const find = () => {
    const m = fs
      .readdirSync(q)
      .map((f) => new RegExp(`^${CALL.replace('.', '\\.')}\\.(\\d+)-(\\d+)\\.tool-ready$`).exec(f))
      .find(Boolean);
    return m ? path.join(q, `.gate.${m[1]}.${m[2]}.tmp`) : undefined;
  };
  return new Promise((resolve) => {
    const w = fs.watch(q, () => {
      const file = find();
      if (file) {
        w.close();
        resolve(file);
      }
    });
    const now = find();
    if (now) {
      w.close();
      resolve(now);
    }
  });
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-hook-'));
  state = path.join(dir, 'state');
  fs.mkdirSync(path.join(state, 'queue'), { recursive: true, mode: 0o700 });
  fs.chmodSync(state, 0o700);
  fakeSupervisor = spawn('sleep', ['600']);
  fs.writeFileSync(path.join(state, 'supervisor.pid'), `${fakeSupervisor.pid}\n`);
});

afterEach(() => {
  fakeSupervisor.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('gate hook', () => {
  it('leaves a session toolgate did not launch alone: no output, nothing written', async () => {
    const r = await runGate(PAYLOAD, { TOOLGATE_WORKER_ID: '' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    expect(fs.readdirSync(path.join(state, 'queue'))).toEqual([]);
  });

  it('denies when the state directory is missing, or is a symlink', async () => {
    expect(
      decisionOf((await runGate(PAYLOAD, { TOOLGATE_STATE_DIR: path.join(dir, 'nope') })).stdout)
        .permissionDecision,
    ).toBe('deny');
    fs.symlinkSync(state, path.join(dir, 'link'));
    const d = decisionOf((await runGate(PAYLOAD, { TOOLGATE_STATE_DIR: path.join(dir, 'link') })).stdout);
    expect(d.permissionDecision).toBe('deny');
    expect(d.permissionDecisionReason).toContain('missing or unsafe');
  });

  it('denies at once when no supervisor runs, and says how to start one', async () => {
    fakeSupervisor.kill('SIGKILL');
    await new Promise((r) => fakeSupervisor.once('exit', r));
    const d = decisionOf((await runGate(PAYLOAD)).stdout);
    expect(d.permissionDecision).toBe('deny');
    expect(d.permissionDecisionReason).toContain('toolgate supervise --daemon');
  });

  it.each([
    ['empty', ''],
    ['garbage', 'this is not json\n'],
    ['json without the ids', '{"hook_event_name":"PreToolUse"}'],
  ])('denies %s stdin', async (_name, input) => {
    const d = decisionOf((await runGate(input)).stdout);
    expect(d.permissionDecision).toBe('deny');
  });

  it('denies stdin over the 16 MiB bound', async () => {
    const huge = '{"session_id":"s","x":"' + 'a'.repeat(17 * 1024 * 1024) + '"}';
    const d = decisionOf((await runGate(huge)).stdout);
    expect(d.permissionDecision).toBe('deny');
    expect(d.permissionDecisionReason).toContain('larger than toolgate accepts');
    expect(fs.readdirSync(path.join(state, 'queue')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('publishes one versioned pending file (mode 0600) and prints only the decision for its own call', async () => {
    const published = pendingFile();
    const run = runGate(PAYLOAD);
    const file = await published;
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const pending = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(pending).toMatchObject({
      v: 1,
      worker_id: 'w-00000001',
      worker: 'w1',
      payload: { tool_use_id: 'toolu_real' },
    });
    expect(pending.deadline_us).toBeGreaterThan(pending.ts_us);
    const fifo = path.join(state, 'queue', `${CALL}.fifo`);
    const allow = (id: string, decision = 'allow') =>
      `${id} {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"${decision}","permissionDecisionReason":"r-${id}"}}\n`;
    // Another call's decision, a half line, a wrong decision value and a wrong event name are all ignored.
    fs.appendFileSync(fifo, allow('sess-1.toolu_other'));
    fs.appendFileSync(
      fifo,
      `${CALL} {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"\n`,
    );
    fs.appendFileSync(fifo, allow(CALL, 'block'));
    fs.appendFileSync(
      fifo,
      `${CALL} {"hookSpecificOutput":{"hookEventName":"PostToolUse","permissionDecision":"allow"}}\n`,
    );
    fs.appendFileSync(fifo, allow(CALL, 'deny'));
    const r = await run;
    const d = decisionOf(r.stdout);
    expect(d).toEqual({
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
      permissionDecisionReason: `r-${CALL}`,
    });
  });

  // A decision whose line is still arriving when the hook's one-second read times out is kept, not dropped:
  // escalation timeouts answer exactly on those second boundaries, and a dropped half line meant no answer at all.
  it('keeps a decision line that arrives across its read timeout', async () => {
    const published = pendingFile();
    const run = runGate(PAYLOAD, { TOOLGATE_GATE_DEADLINE: '6' });
    await published;
    const fifo = path.join(state, 'queue', `${CALL}.fifo`);
    const line = `${CALL} {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","permissionDecisionReason":"split"}}\n`;
    fs.appendFileSync(fifo, line.slice(0, 40));
    await new Promise((r) => setTimeout(r, 1500)); // spans at least one of the hook's one-second reads
    fs.appendFileSync(fifo, line.slice(40));
    expect(decisionOf((await run).stdout)).toMatchObject({
      permissionDecision: 'allow',
      permissionDecisionReason: 'split',
    });
  });

  it('answers through a claimed slot of its worker pool, or through a FIFO of its own when all are taken', async () => {
    const slots = path.join(state, 'slots');
    fs.mkdirSync(slots, { mode: 0o700 });
    const fifo = (k: number) => path.join(slots, `w-00000001.${k}.fifo`);
    await execa('mkfifo', ['-m', '600', ...Array.from({ length: 10 }, (_, k) => fifo(k))]);
    const line = (decision: string) =>
      `${CALL} {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"${decision}","permissionDecisionReason":"r"}}\n`;

    // Slot 0 is taken: the hook moves on to slot 1 and writes its pid in that lock.
    fs.writeFileSync(path.join(slots, 'w-00000001.0.lock'), '1\n');
    let published = pendingFile();
    let run = runGate(PAYLOAD);
    let pending = JSON.parse(fs.readFileSync(await published, 'utf8'));
    expect(pending.slot).toBe(1);
    expect(fs.readFileSync(path.join(slots, 'w-00000001.1.lock'), 'utf8')).toBe(`${pending.hook_pid}\n`);
    expect(fs.existsSync(path.join(state, 'queue', `${CALL}.fifo`))).toBe(false);
    fs.appendFileSync(fifo(1), line('allow'));
    expect(decisionOf((await run).stdout).permissionDecision).toBe('allow');
    // The lock stays after the hook exits: only the supervisor frees a slot.
    expect(fs.existsSync(path.join(slots, 'w-00000001.1.lock'))).toBe(true);

    // Every slot taken: a FIFO of its own, named after the call, and no slot in the pending file.
    for (let k = 0; k < 10; k++) fs.writeFileSync(path.join(slots, `w-00000001.${k}.lock`), '1\n');
    for (const f of fs.readdirSync(path.join(state, 'queue'))) fs.rmSync(path.join(state, 'queue', f));
    published = pendingFile();
    run = runGate(PAYLOAD);
    pending = JSON.parse(fs.readFileSync(await published, 'utf8'));
    expect(pending.slot).toBeUndefined();
    fs.appendFileSync(path.join(state, 'queue', `${CALL}.fifo`), line('deny'));
    expect(decisionOf((await run).stdout).permissionDecision).toBe('deny');
  });

  it('publishes inputs larger than the builtin read (head finishes them) with the right call id', async () => {
    const big = JSON.stringify({
      ...JSON.parse(PAYLOAD),
      tool_name: 'Write',
      tool_input: { file_path: '/w/x', content: 'y'.repeat(100_000) },
    });
    const published = pendingFile();
    const run = runGate(big, { TOOLGATE_GATE_DEADLINE: '1' });
    const pending = JSON.parse(fs.readFileSync(await published, 'utf8'));
    expect(pending.payload.tool_input.content).toHaveLength(100_000);
    expect(decisionOf((await run).stdout).permissionDecision).toBe('deny');
  });

  it('denies when no decision comes before its deadline', async () => {
    const d = decisionOf((await runGate(PAYLOAD, { TOOLGATE_GATE_DEADLINE: '2' })).stdout);
    expect(d.permissionDecisionReason).toContain("before the gate's deadline");
  });

  it('the deadline and grace from the environment can only be shortened', async () => {
    const published = pendingFile();
    const run = runGate(PAYLOAD, { TOOLGATE_GATE_DEADLINE: '999999', TOOLGATE_GATE_GRACE: '1' });
    const pending = JSON.parse(fs.readFileSync(await published, 'utf8'));
    expect((pending.deadline_us - pending.ts_us) / 1e6).toBe(1860);
    fakeSupervisor.kill('SIGKILL');
    const d = decisionOf((await run).stdout);
    expect(d.permissionDecisionReason).toContain('supervisor stopped');
  });

  it('denies after the grace period when the supervisor dies while the call waits', async () => {
    const published = pendingFile();
    const run = runGate(PAYLOAD, { TOOLGATE_GATE_GRACE: '2' });
    await published;
    fakeSupervisor.kill('SIGKILL');
    const d = decisionOf((await run).stdout);
    expect(d.permissionDecision).toBe('deny');
    expect(d.permissionDecisionReason).toContain('supervisor stopped while this call waited');
  });

  it('prints a deny when terminated while it waits (the wrapper trap)', async () => {
    const published = pendingFile();
    const run = runGate(PAYLOAD);
    const pending = JSON.parse(fs.readFileSync(await published, 'utf8'));
    process.kill(pending.hook_pid, 'SIGTERM');
    const d = decisionOf((await run).stdout);
    expect(d.permissionDecision).toBe('deny');
    expect(d.permissionDecisionReason).toContain('fail closed');
  });

  it('leaves a fail-closed record for the audit trail when it denies on its own', async () => {
    await runGate('');
    const files = fs.readdirSync(path.join(state, 'queue')).filter((f) => f.endsWith('.failclosed'));
    expect(files).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(path.join(state, 'queue', files[0]!), 'utf8'))).toMatchObject({
      v: 1,
      worker_id: 'w-00000001',
    });
  });
});
