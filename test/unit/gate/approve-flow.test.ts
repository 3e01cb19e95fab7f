// `toolgate approve` end to end in one process: the real gate hook waits on a call, an in-process supervisor
// escalates it, the approve command answers it. The person's reason reaches the model (additionalContext of the
// allow the hook prints), and approve reports what the supervisor actually did (a lockdown deny, a grant that
// could not be made), read from the audit trail, not just that the pending file went away.
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { execa, type ResultPromise } from 'execa';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatePaths } from '../../../src/core/state.js';
import { Supervisor, type AuditSink } from '../../../src/gate/supervisor.js';
import type { Decider } from '../../../src/gate/decider.js';
import { GrantStore } from '../../../src/gate/grants.js';
import { hookOutput } from '../../../src/gate/protocol.js';
import { openAuditLog } from '../../../src/audit/index.js';
import { approveCommand } from '../../../src/cli/commands/approve.js';
import type { Decision } from '../../../src/policy/types.js';
import { stateWithWorker } from '../../helpers/in-process.js';

const GATE = path.resolve('plugin/hooks/gate');
const WORKER_ID = '00000000-0000-4000-8000-000000000001';
let dir: string;
let s: StatePaths;
let sup: Supervisor | undefined;
let audit: ReturnType<typeof openAuditLog> | undefined;
let n = 0;

const escalate: Decider = {
  decide: (): Decision => ({
    verdict: 'escalate',
    rule: 'git-push',
    reason: 'pushing needs a person',
    trace: [{ rule: 'git-push', layer: 't', verdict: 'escalate', reason: 'r', because: [] }],
    revision: 'r1',
    observe: false,
    rateKeys: [],
    escalation: { to: 'human', timeoutSec: 600, onTimeout: 'deny' },
  }),
  problems: () => [],
  close: () => undefined,
};

beforeEach(() => {
  ({ dir, s } = stateWithWorker('tg-approve-', WORKER_ID));
  fs.writeFileSync(s.supervisorPid, `${process.pid}\n`); // the hook and approve look for a live supervisor
});

afterEach(async () => {
  await sup?.stop();
  sup = undefined;
  audit?.close();
  audit = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(grants?: GrantStore): Promise<Supervisor> {
  audit = openAuditLog(s.audit);
  sup = new Supervisor({
    state: s,
    decider: escalate,
    audit: audit as unknown as AuditSink,
    logger: pino({ level: 'silent' }),
    sweepMs: 60_000,
    ...(grants ? { grants } : {}),
  });
  await sup.start();
  return sup;
}

// Runs the real gate hook on a Bash call; resolves with the call id once the supervisor has escalated it.
async function hookCall(sv: Supervisor, command: string): Promise<{ id: string; hook: ResultPromise }> {
  const toolUseId = `toolu_${++n}`;
  const hook = execa(GATE, [], {
    input: JSON.stringify({
      session_id: 'sess-1',
      cwd: dir,
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command },
      tool_use_id: toolUseId,
    }),
    reject: false,
    env: {
      PATH: process.env.PATH!,
      TOOLGATE_WORKER_ID: WORKER_ID,
      TOOLGATE_WORKER: 'w1',
      TOOLGATE_STATE_DIR: s.root,
    },
    extendEnv: false,
    timeout: 30_000,
  });
  const id = `sess-1.${toolUseId}`;
  const end = Date.now() + 10_000;
  while (!sv.escalations.has(id)) {
    if (Date.now() > end) throw new Error('the call was never escalated');
    await new Promise((r) => setTimeout(r, 10));
  }
  return { id, hook };
}

async function approve(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (b: Buffer) => (out += b.toString()));
  stderr.on('data', (b: Buffer) => (err += b.toString()));
  let code: number;
  try {
    code = await approveCommand.run({
      argv: [...argv, '--by', 'ann'],
      stdin: new PassThrough(),
      stdout,
      stderr,
      env: { TOOLGATE_STATE_DIR: s.root, HOME: dir },
      cwd: dir,
    });
  } catch (e) {
    code = (e as { exitCode?: number }).exitCode ?? 99;
    err += (e as Error).message;
  }
  return { code, out, err };
}

function printed(stdout: unknown): Record<string, unknown> {
  const lines = String(stdout).split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!).hookSpecificOutput as Record<string, unknown>;
}

describe('the hook output', () => {
  it('carries a context only on an allow, as additionalContext', () => {
    expect(JSON.parse(hookOutput('allow', 'r', 'note')).hookSpecificOutput).toEqual({
      hookEventName: 'PreToolUse',
      permissionDecision: 'allow',
      permissionDecisionReason: 'r',
      additionalContext: 'note',
    });
    expect(JSON.parse(hookOutput('deny', 'r', 'note')).hookSpecificOutput.additionalContext).toBeUndefined();
    expect(JSON.parse(hookOutput('allow', 'r')).hookSpecificOutput.additionalContext).toBeUndefined();
  });
});

describe('toolgate approve', () => {
  it("an allow's reason reaches the model as additionalContext; a deny's as the reason", async () => {
    const sv = await start();
    const a = await hookCall(sv, 'git push origin main');
    const r = await approve([a.id, 'allow', '--reason', 'fine, push to main today only']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`allowed ${a.id}`);
    const out = printed((await a.hook).stdout);
    expect(out.permissionDecision).toBe('allow');
    expect(String(out.additionalContext)).toContain('fine, push to main today only');

    const b = await hookCall(sv, 'git push origin main');
    expect((await approve([b.id, 'allow'])).code).toBe(0);
    expect(printed((await b.hook).stdout).additionalContext).toBeUndefined(); // no reason: nothing added

    const c = await hookCall(sv, 'git push --force');
    expect((await approve([c.id, 'deny', '--reason', 'no force pushes'])).code).toBe(0);
    const denied = printed((await c.hook).stdout);
    expect(denied.permissionDecision).toBe('deny');
    expect(denied.permissionDecisionReason).toContain('no force pushes');
    expect(denied.additionalContext).toBeUndefined();
  });

  it('reports a lockdown deny as a deny (exit 1), not as "allowed"', async () => {
    const sv = await start();
    const a = await hookCall(sv, 'git push origin main');
    sv.checkLockdown = () => undefined; // the lockdown watch is late: the answer meets the lockdown first
    fs.writeFileSync(s.lockdown, JSON.stringify({ v: 1, all: true, reason: 'incident 42', by: 'bob' }));
    const r = await approve([a.id, 'allow', '--reason', 'ok']);
    expect(printed((await a.hook).stdout).permissionDecision).toBe('deny');
    expect(r.out).not.toContain('allowed');
    expect(r.code).toBe(1);
    expect(r.out + r.err).toMatch(/lockdown/);
  });

  it('reports a grant that could not be made (the call itself allowed; exit 1)', async () => {
    const sv = await start(new GrantStore(path.join(dir, 'no-such-dir', 'grants.json')));
    const a = await hookCall(sv, 'git push origin main');
    const r = await approve([a.id, 'allow', '--grant', '5']);
    expect(printed((await a.hook).stdout).permissionDecision).toBe('allow');
    expect(r.out).toContain(`allowed ${a.id}`);
    expect(r.out + r.err).toMatch(/no grant was made/);
    expect(r.code).toBe(1);
  });

  it('reports the grant it made', async () => {
    const sv = await start();
    const a = await hookCall(sv, 'git push origin main');
    const r = await approve([a.id, 'allow', '--grant', '5', '--widen']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/grant g-[0-9a-f]+/);
    await a.hook;
  });
});
