// Fault campaign (issue 7 item 2), on real processes: the real supervisor (`toolgate supervise --daemon`) and the
// real gate hook (plugin/hooks/gate) fed payloads for simulated workers; a real Claude Code worker only where a
// tmux session must die mid-call. Run with `npm run test:campaign` (vitest.campaign.config.ts), not the default suite.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  auditRecord,
  auditRecords,
  bash,
  createEnv,
  mount,
  payload,
  pendingJson,
  pidAlive,
  processesOf,
  publishRaw,
  queueFiles,
  runHook,
  umount,
  until,
  untilGone,
  type Env,
  type HookResult,
} from './lib.js';
import { createRig, type Rig } from '../helpers/rig.js';

const envs: Env[] = [];
const mounts: string[] = [];
async function env(n: number, o?: Parameters<typeof createEnv>[1]): Promise<Env> {
  const e = await createEnv(n, o);
  envs.push(e);
  return e;
}
afterEach(async () => {
  // Supervisors first (they hold files open inside the mounts), then the mounts, then the directories.
  for (const e of envs) await e.stop();
  for (const m of mounts.splice(0).reverse()) await umount(m);
  for (const e of envs.splice(0)) e.remove();
});

async function startSupervisor(e: Env, args: string[] = []): Promise<number> {
  const r = await e.toolgate(['supervise', '--daemon', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return e.supervisorPid()!;
}

async function verifyAudit(e: Env): Promise<void> {
  const v = await e.toolgate(['audit', 'verify', '--json']);
  expect(v.code, v.stdout + v.stderr).toBe(0);
  expect(JSON.parse(v.stdout).ok).toBe(true);
}

// Every allowed call must have its decision record (allow) in the audit trail, written before the answer.
function expectAllowsAudited(e: Env, results: Array<{ callId: string; r: HookResult }>): void {
  const audited = new Map(
    auditRecords(e)
      .filter((a) => a.kind === 'decision')
      .map((a) => [a.call as string, a]),
  );
  for (const { callId, r } of results) {
    expect(['allow', 'deny'], `${callId}: ${r.out}`).toContain(r.decision);
    if (r.decision === 'allow') expect(audited.get(callId)?.hook_decision, callId).toBe('allow');
  }
}

// No call files left (pending files, FIFOs, spooled events); hidden temp files are checked where it matters.
const emptyQueue = (e: Env) =>
  until(
    e.queue,
    () => queueFiles(e).filter((f) => !f.startsWith('.')).length === 0,
    30_000,
    'an empty queue',
  );

describe('supervisor killed with calls pending', () => {
  it('SIGKILL with 20 pending calls, then a restart: every hook ends with a decision or a deny, no allow unaudited', async () => {
    const e = await env(4);
    const pid = await startSupervisor(e);
    process.kill(pid, 'SIGSTOP'); // alive but not answering, so the calls pile up
    const calls = Array.from({ length: 20 }, (_, i) => {
      const w = e.workers[i % 4]!;
      const p = i % 2 ? bash(w, 'cat ~/.ssh/id_rsa') : bash(w, 'ls -la');
      return { callId: p.callId, want: i % 2 ? 'deny' : 'allow', h: runHook(e, w, p.json) };
    });
    await until(
      e.queue,
      // A stopped supervisor links no ready marker to its pending file: count the calls published either way.
      () => queueFiles(e).filter((f) => /\.tool-(ready|pending)$/.test(f)).length === 20,
      60_000,
      '20 published calls',
    );
    process.kill(pid, 'SIGKILL');
    await untilGone(pid);
    const pid2 = await startSupervisor(e);
    expect(pid2).not.toBe(pid);
    const results = await Promise.all(calls.map(async (c) => ({ ...c, r: await c.h.done })));
    for (const c of results) {
      expect(c.r.decision, c.r.out).toBeDefined();
      // A call the policy denies is never allowed; an allowed one is taken over (or denied if the restart was late).
      if (c.want === 'deny') expect(c.r.decision).toBe('deny');
    }
    expect(results.filter((c) => c.r.decision === 'allow').length).toBeGreaterThan(0);
    expectAllowsAudited(e, results);
    await emptyQueue(e);
    expect(processesOf(e, [pid2])).toEqual([]);
    await e.toolgate(['supervise', '--stop']);
    await verifyAudit(e);
  });
});

describe('corrupted protocol files', () => {
  let e: Env;
  beforeAll(async () => {
    e = await createEnv(2);
    await startSupervisor(e);
  });
  afterAll(async () => {
    await e?.close();
  });

  it('denies truncated, garbage, empty, wrong-version, mismatched and unknown-worker pending files', async () => {
    const [w, other] = e.workers as [Env['workers'][0], Env['workers'][0]];
    const good = (p: ReturnType<typeof bash>) => pendingJson(w, p.json);
    const cases: Array<[string, (p: ReturnType<typeof bash>) => string | Buffer]> = [
      ['truncated', (p) => good(p).slice(0, Math.floor(good(p).length / 2))],
      ['garbage', () => Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0x01, 0x02])],
      ['empty', () => ''],
      ['wrong version', (p) => good(p).replace('"v":1', '"v":2')],
      ['not a PreToolUse', (p) => good(p).replace('"PreToolUse"', '"PostToolUse"')],
      [
        'payload of another call',
        (p) =>
          pendingJson(w, bash(w, 'true').json.replace(p.tuid, 'x')).replace(/toolu_c\d+_\d+/, 'toolu_other'),
      ],
      ['unknown worker', (p) => good(p).replaceAll(w.workerId, '00000000-dead-beef-0000-000000000000')],
      [
        'worker id malformed',
        (p) => good(p).replace(`"worker_id":"${w.workerId}"`, `"worker_id":"../${other.workerId}"`),
      ],
    ];
    for (const [name, make] of cases) {
      const p = bash(w, 'true'); // allowed when intact
      const { decision } = await publishRaw(e, p.callId, make(p));
      const line = await decision;
      expect(JSON.parse(line).hookSpecificOutput.permissionDecision, `${name}: ${line}`).toBe('deny');
      const rec = auditRecords(e).find((a) => a.kind === 'decision' && a.call === p.callId);
      expect(rec?.hook_decision, name).toBe('deny');
    }
    // Garbage spooled events and fail-closed notes are dropped without harm.
    fs.writeFileSync(path.join(e.queue, '.x.tmp'), '{"v":1,"worker_id":');
    fs.renameSync(path.join(e.queue, '.x.tmp'), path.join(e.queue, `${Date.now()}000-1.event`));
    fs.writeFileSync(path.join(e.queue, '.y.tmp'), 'not json');
    fs.renameSync(path.join(e.queue, '.y.tmp'), path.join(e.queue, `${Date.now()}000-2.failclosed`));
    // The supervisor still decides an intact call, through the real hook.
    const ok = await runHook(e, w, bash(w, 'true').json).done;
    expect(ok.decision, ok.out).toBe('allow');
    await emptyQueue(e);
    await verifyAudit(e);
  });

  it("ignores forged or truncated lines on a call's FIFO and rejects a corrupt answer file", async () => {
    const w = e.workers[0]!;
    const p = bash(w, 'git push origin main'); // escalates to a person (default policy)
    const h = runHook(e, w, p.json);
    await auditRecord(e, (a) => a.kind === 'escalation_opened' && a.call === p.callId);
    // The hook's answer channel: the slot of its worker whose lock holds the hook's pid.
    const slots = path.join(e.state, 'slots');
    const lock = fs
      .readdirSync(slots)
      .find((f) => f.endsWith('.lock') && fs.readFileSync(path.join(slots, f), 'utf8') === `${h.pid}\n`);
    expect(lock, 'the hook holds a slot').toBeDefined();
    const fifo = path.join(slots, lock!.replace(/\.lock$/, '.fifo'));
    const fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    const prefix = `${p.callId} {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":`;
    fs.writeSync(fd, 'garbage line\n');
    fs.writeSync(fd, `${prefix}"allow","permissionDecisionReason":"trunc\n`); // cut before its closing braces
    fs.writeSync(fd, `${prefix}"allowx","permissionDecisionReason":"x"}}\n`);
    fs.writeSync(
      fd,
      `${w.workerId}.toolu_other {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","permissionDecisionReason":"x"}}\n`,
    );
    fs.closeSync(fd);
    // A corrupt answer file: rejected and audited; the call stays open.
    // (Under another name than the real answer's: the supervisor acts on chokidar 'add' only, and a file re-created
    // under a name it has just removed can come as 'change' and be ignored: see bench/RESULTS.md.)
    const answers = path.join(e.state, 'answers');
    fs.writeFileSync(path.join(answers, '.a.tmp'), '{"v":1,"call":');
    fs.renameSync(path.join(answers, '.a.tmp'), path.join(answers, `${p.callId}-corrupt.answer`));
    await auditRecord(e, (a) => a.kind === 'answer_rejected');
    expect(pidAlive(h.pid)).toBe(true);
    const answer = {
      v: 1,
      call: p.callId,
      decision: 'deny',
      reason: 'campaign',
      by: 'campaign',
      ts: Date.now(),
    };
    fs.writeFileSync(path.join(answers, '.b.tmp'), JSON.stringify(answer));
    fs.renameSync(path.join(answers, '.b.tmp'), path.join(answers, `${p.callId}.answer`));
    const r = await h.done;
    expect(r.decision, r.out).toBe('deny');
    expect(r.reason).toContain('a person refused it');
  });
});

describe('policy replaced with garbage mid-run', () => {
  // Each write comes soon after the previous reload (one hook call apart, often under 50 ms): chokidar drops a file's
  // change events for 50 ms after one it emitted, so the supervisor reads a policy only once its events settle
  // (src/gate/policy-decider.ts). Before that, a write was lost and its reload never came until a restart.
  it('keeps the last good policy, audits the failed reload, and takes the next good one', async () => {
    const e = await env(1);
    const w = e.workers[0]!;
    const file = path.join(e.dir, 'campaign.yaml');
    const policy = (decision: string) =>
      `version: 1\nname: campaign\ndefault: deny\nrules:\n  - id: rule-true\n    decision: ${decision}\n    reason: campaign ${decision}\n    commands: ["true"]\n`;
    fs.writeFileSync(file, policy('allow'));
    await startSupervisor(e, ['--policy', file]);
    const first = await runHook(e, w, bash(w, 'true').json).done;
    expect(first.decision, first.out).toBe('allow');
    const good = auditRecords(e).find((a) => a.kind === 'policy_reload' && a.ok === true)!;
    expect(good).toBeDefined();
    const countFailed = () =>
      auditRecords(e).filter((a) => a.kind === 'policy_reload' && a.ok === false).length;

    for (const garbage of ['{{{ not: yaml: [', '\u0000\u0001binary', '']) {
      const before = countFailed();
      fs.writeFileSync(file, garbage);
      await until(
        path.join(e.state, 'audit'),
        () => countFailed() > before,
        30_000,
        'a failed policy reload record',
      );
      const r = await runHook(e, w, bash(w, 'true').json).done;
      expect(r.decision, `after ${JSON.stringify(garbage)}: ${r.out}`).toBe('allow');
      const rec = auditRecords(e)
        .filter((a) => a.kind === 'decision')
        .pop()!;
      expect(rec.revision).toBe(good.revision);
      expect(rec.rule).toBe('rule-true');
    }
    // A good policy again (now denying `true`) takes over.
    fs.writeFileSync(file, policy('deny'));
    await auditRecord(
      e,
      (a) => a.kind === 'policy_reload' && a.ok === true && a.revision !== good.revision,
      30_000,
    );
    const after = await runHook(e, w, bash(w, 'true').json).done;
    expect(after.decision, after.out).toBe('deny');
    await e.toolgate(['supervise', '--stop']);
    await verifyAudit(e);
  });
});

describe('state directory read-only or full', () => {
  it('read-only state directory (bind mount): hooks deny at once, and calls work again once it is writable', async () => {
    const e = await env(1);
    const w = e.workers[0]!;
    await startSupervisor(e);
    await mount(['--bind', e.state, e.state]);
    mounts.push(e.state);
    await mount(['-o', 'remount,ro,bind', e.state]);
    const r = await runHook(e, w, bash(w, 'true').json).done;
    expect(r.decision, r.out).toBe('deny');
    expect(r.reason).toContain('not writable or is full');
    await umount(mounts.pop()!);
    const ok = await runHook(e, w, bash(w, 'true').json).done;
    expect(ok.decision, ok.out).toBe('allow');
    expect(pidAlive(e.supervisorPid()!)).toBe(true);
  });

  it('full state directory (tiny tmpfs): hooks deny, nothing is left half-written, calls work once there is room', async () => {
    let state = '';
    const e = await env(1, {
      beforeSubdirs: async (s) => {
        state = s;
        await mount(['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', s]);
        mounts.push(s);
      },
    });
    const w = e.workers[0]!;
    await startSupervisor(e);
    const filler = path.join(state, 'filler');
    fs.writeFileSync(filler, Buffer.alloc(0));
    // Fill every block: write until ENOSPC.
    const fd = fs.openSync(filler, 'a');
    const chunk = Buffer.alloc(64 * 1024);
    try {
      for (;;) fs.writeSync(fd, chunk);
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      fs.closeSync(fd);
    }
    const results: Array<{ callId: string; r: HookResult }> = [];
    for (let i = 0; i < 5; i++) {
      const p = bash(w, 'true');
      results.push({ callId: p.callId, r: await runHook(e, w, p.json).done });
    }
    for (const { r } of results) expect(r.decision, r.out).toBe('deny');
    expectAllowsAudited(e, results);
    fs.rmSync(filler);
    await emptyQueue(e);
    // What the failed writes left: only empty hidden temp files (the supervisor's sweep removes them after 60 s).
    for (const f of queueFiles(e)) {
      expect(f).toMatch(/^\.(gate|fc)\..*tmp$/);
      expect(fs.statSync(path.join(e.queue, f)).size).toBe(0);
    }
    const ok = await runHook(e, w, bash(w, 'true').json).done;
    expect(ok.decision, ok.out).toBe('allow');
    await e.toolgate(['supervise', '--stop']);
    await verifyAudit(e);
  });

  it('full audit directory: decisions that cannot be recorded are denied; the chain verifies once there is room', async () => {
    const e = await env(1, {
      beforeSubdirs: async (s) => {
        fs.mkdirSync(path.join(s, 'audit'), { mode: 0o700 });
        await mount(['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', path.join(s, 'audit')]);
        mounts.push(path.join(s, 'audit'));
      },
    });
    const w = e.workers[0]!;
    await startSupervisor(e);
    const filler = path.join(e.state, 'audit', 'filler.bin');
    const fd = fs.openSync(filler, 'a');
    try {
      for (;;) fs.writeSync(fd, Buffer.alloc(4096));
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      fs.closeSync(fd);
    }
    // Appends still fit in the file's last page for a while: call until one is refused (bounded).
    const results: Array<{ callId: string; r: HookResult }> = [];
    for (let i = 0; i < 200 && !results.some((x) => x.r.decision === 'deny'); i++) {
      const p = bash(w, 'true');
      results.push({ callId: p.callId, r: await runHook(e, w, p.json).done });
    }
    const denied = results.filter((x) => x.r.decision === 'deny');
    expect(denied.length).toBeGreaterThan(0);
    for (const { r } of denied) expect(r.reason).toContain('audit trail');
    expectAllowsAudited(e, results);
    for (let i = 0; i < 3; i++) {
      const r = await runHook(e, w, bash(w, 'true').json).done;
      expect(r.decision, r.out).toBe('deny');
    }
    fs.rmSync(filler);
    const ok = await runHook(e, w, bash(w, 'true').json).done;
    expect(ok.decision, ok.out).toBe('allow');
    await e.toolgate(['supervise', '--stop']);
    await verifyAudit(e);
  });

  // Was a bug: a failed pre_tool_use append left the call to the hook's own deadline.
  it('read-only events directory: calls are still answered promptly (not left to the hook deadline)', async () => {
    const e = await env(1);
    const w = e.workers[0]!;
    await startSupervisor(e);
    const events = path.join(e.state, 'events');
    await mount(['--bind', events, events]);
    mounts.push(events);
    await mount(['-o', 'remount,ro,bind', events]);
    const r = await runHook(e, w, bash(w, 'true').json, { TOOLGATE_GATE_DEADLINE: '20' }).done;
    expect(r.decision, r.out).toBeDefined();
    expect(r.reason ?? '').not.toContain("before the gate's deadline");
  });
});

describe('1,000 calls across 10 workers', () => {
  it('loses no decision, leaks no process or file, and keeps the audit chain intact', async () => {
    const e = await env(10);
    const pid = await startSupervisor(e);
    const fdsBefore = fs.readdirSync(`/proc/${pid}/fd`).length;
    const results: Array<{ callId: string; want: string; r: HookResult }> = [];
    await Promise.all(
      e.workers.map(async (w, wi) => {
        for (let k = 0; k < 100; k++) {
          const m = (k + wi) % 10;
          const p =
            m === 9
              ? bash(w, 'cat ~/.ssh/id_rsa')
              : m < 5
                ? bash(w, ['true', 'ls -la', 'git status', 'grep -rn x .', 'wc -l f'][m]!)
                : m < 7
                  ? payload(w, 'Read', { file_path: path.join(w.cwd, 'a.txt') })
                  : payload(w, 'Write', { file_path: path.join(w.cwd, `o${k}.txt`), content: 'x\n' });
          results.push({
            callId: p.callId,
            want: m === 9 ? 'deny' : 'allow',
            r: await runHook(e, w, p.json).done,
          });
        }
      }),
    );
    expect(results).toHaveLength(1000);
    const wrong = results.filter((c) => c.r.decision !== c.want);
    expect(wrong.map((c) => `${c.callId}: ${c.r.out}`)).toEqual([]);
    const decisions = auditRecords(e).filter((a) => a.kind === 'decision');
    const byCall = new Map<string, number>();
    for (const d of decisions) byCall.set(d.call as string, (byCall.get(d.call as string) ?? 0) + 1);
    for (const c of results) expect(byCall.get(c.callId), c.callId).toBe(1);
    expect(decisions).toHaveLength(1000);
    await emptyQueue(e);
    // Every answer slot is free again once its hook has exited (the supervisor removes the locks).
    await until(
      path.join(e.state, 'slots'),
      () => !fs.readdirSync(path.join(e.state, 'slots')).some((f) => f.endsWith('.lock')),
      10_000,
      'no slot lock left',
    );
    expect(processesOf(e, [pid])).toEqual([]);
    expect(fs.readdirSync(`/proc/${pid}/fd`).length).toBeLessThanOrEqual(fdsBefore + 2);
    const esc = path.join(e.state, 'escalations.json'); // written once an escalation opens; none should have
    expect(fs.existsSync(esc) ? JSON.parse(fs.readFileSync(esc, 'utf8')) : []).toEqual([]);
    await e.toolgate(['supervise', '--stop']);
    expect(pidAlive(pid)).toBe(false);
    await verifyAudit(e);
  });
});

describe('a real worker whose tmux session is killed mid-call', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await createRig([
      {
        name: 'push',
        steps: [
          { tools: [{ name: 'Bash', input: { command: 'git push origin main', description: 'push' } }] },
        ],
        final: 'pushed',
      },
    ]);
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('the call is abandoned: audited, its queue files removed, its hook gone', async () => {
    const ws = rig.workspace('ws');
    await rig.launch('victim', ws);
    const queue = path.join(rig.stateDir, 'queue');
    const sent = await rig.toolgate(['send', 'victim', '<<S:push>> go']);
    expect(sent.code, sent.stderr).toBe(0);
    const file = await until(
      queue,
      () => fs.readdirSync(queue).find((f) => f.endsWith('.tool-pending')),
      60_000,
      'the pending call',
    );
    const callId = file.slice(0, -'.tool-pending'.length);
    const hookPid = JSON.parse(fs.readFileSync(path.join(queue, file), 'utf8')).hook_pid as number;
    const killed = await rig.tmux(['kill-session', '-t', '=victim']);
    expect(killed.code, killed.stderr).toBe(0);
    const auditDir = path.join(rig.stateDir, 'audit');
    const read = () =>
      fs
        .readdirSync(auditDir)
        .filter((f) => f.endsWith('.jsonl'))
        .flatMap((f) => fs.readFileSync(path.join(auditDir, f), 'utf8').split('\n').filter(Boolean))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    await until(
      auditDir,
      () => read().find((a) => a.kind === 'call_abandoned' && a.call === callId),
      90_000,
      'call_abandoned',
    );
    expect(
      read().some((a) => a.kind === 'escalation_closed' && a.call === callId && a.outcome === 'abandoned'),
    ).toBe(true);
    await until(
      queue,
      () => !fs.readdirSync(queue).some((f) => f.startsWith(callId)),
      30_000,
      'the call files removed',
    );
    expect(pidAlive(hookPid)).toBe(false);
    const pending = await rig.toolgate(['pending', '--json']);
    expect(pending.stdout).not.toContain(callId);
  });
});
