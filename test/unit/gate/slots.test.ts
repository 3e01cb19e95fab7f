// Answer slots end to end: the real gate hook (bash) against an in-process supervisor. A call goes through a
// pooled slot and its marker; the slot is freed only after its hook exits; an invalid call in a slot is denied at
// once; a call marked while no supervisor ran is taken by the next one; the sweep frees locks of dead hooks.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatePaths } from '../../../src/core/state.js';
import { Supervisor, type AuditSink } from '../../../src/gate/supervisor.js';
import { SLOTS, createSlots, slotLock, sweepSlots } from '../../../src/gate/slots.js';
import { allowAll, stateWithWorker } from '../../helpers/in-process.js';

const GATE = path.resolve('plugin/hooks/gate');
const WORKER_ID = '00000000-0000-4000-8000-0000000000aa';
let dir: string;
let s: StatePaths;
let sup: Supervisor | undefined;
const records: Record<string, unknown>[] = [];
const audit: AuditSink = { append: (r) => void records.push(r) };

const payload = (toolUseId: string, toolInput: unknown = { command: 'ls' }) =>
  JSON.stringify({
    session_id: 'sess-9',
    transcript_path: '/t.jsonl',
    cwd: dir,
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: toolInput,
    tool_use_id: toolUseId,
  });

function runGate(input: string, env: Record<string, string> = {}) {
  return execa(GATE, [], {
    input,
    reject: false,
    env: {
      PATH: process.env.PATH!,
      TOOLGATE_WORKER_ID: WORKER_ID,
      TOOLGATE_WORKER: 'w1',
      TOOLGATE_STATE_DIR: s.root,
      ...env,
    },
    extendEnv: false,
    timeout: 30_000,
  });
}

const decisionOf = (stdout: string) => JSON.parse(stdout).hookSpecificOutput;

// Resolves once `pred` holds for the listing of `folder`, checked on every change there.
function until(folder: string, pred: (names: string[]) => boolean, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!pred(fs.readdirSync(folder))) return false;
      clearTimeout(timer);
      w.close();
      resolve();
      return true;
    };
    const w = fs.watch(folder, check);
    const timer = setTimeout(() => {
      w.close();
      reject(new Error(`${folder} never matched: ${fs.readdirSync(folder).join(' ')}`));
    }, ms);
    check();
  });
}

async function start(): Promise<void> {
  sup = new Supervisor({ state: s, decider: allowAll, audit, logger: pino({ level: 'silent' }) });
  await sup.start();
}

beforeEach(async () => {
  records.length = 0;
  ({ dir, s } = stateWithWorker('tg-slots-', WORKER_ID));
  fs.writeFileSync(s.supervisorPid, `${process.pid}\n`); // the hook's liveness check sees this process
  await createSlots(s, WORKER_ID);
});

afterEach(async () => {
  await sup?.stop();
  sup = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('answer slots', () => {
  it('answers a call through a slot, frees the slot once its hook has exited, and leaves no file behind', async () => {
    await start();
    for (const id of ['toolu_s1', 'toolu_s2', 'toolu_s3']) {
      const r = await runGate(payload(id));
      expect(decisionOf(r.stdout).permissionDecision).toBe('allow');
      await until(s.slots, (n) => !n.some((f) => f.endsWith('.lock')));
      await until(s.queue, (n) => n.length === 0);
    }
    const decided = records.filter((r) => r.kind === 'decision');
    expect(decided.map((r) => r.call)).toEqual(['sess-9.toolu_s1', 'sess-9.toolu_s2', 'sess-9.toolu_s3']);
    expect(fs.readdirSync(s.slots).filter((f) => f.endsWith('.fifo'))).toHaveLength(SLOTS);
  });

  it('denies an invalid call at once on its slot, not at the deadline', async () => {
    await start();
    const r = await runGate(payload('toolu_bad', 'not an object'), { TOOLGATE_GATE_DEADLINE: '60' });
    const d = decisionOf(r.stdout);
    expect(d.permissionDecision).toBe('deny');
    expect(d.permissionDecisionReason).toContain('not valid toolgate protocol');
  });

  it('a call marked while no supervisor ran is published and answered by the next one', async () => {
    const run = runGate(payload('toolu_early'));
    await until(s.queue, (n) => n.some((f) => f.endsWith('.tool-ready')));
    await start();
    expect(decisionOf((await run).stdout).permissionDecision).toBe('allow');
    expect(records.find((r) => r.kind === 'decision')).toMatchObject({ call: 'sess-9.toolu_early' });
  });

  it('the sweep frees the locks of hooks that are gone, and empty locks only once they are old', () => {
    fs.writeFileSync(slotLock(s, WORKER_ID, 0), '999999999\n'); // no such process
    fs.writeFileSync(slotLock(s, WORKER_ID, 1), `${process.pid}\n`); // alive
    fs.writeFileSync(slotLock(s, WORKER_ID, 2), ''); // being written
    sweepSlots(s, Date.now());
    expect(fs.existsSync(slotLock(s, WORKER_ID, 0))).toBe(false);
    expect(fs.existsSync(slotLock(s, WORKER_ID, 1))).toBe(true);
    expect(fs.existsSync(slotLock(s, WORKER_ID, 2))).toBe(true);
    sweepSlots(s, Date.now() + 60_000);
    expect(fs.existsSync(slotLock(s, WORKER_ID, 2))).toBe(false);
    expect(fs.existsSync(slotLock(s, WORKER_ID, 1))).toBe(true);
  });
});
