// The audit trail as the supervisor really writes it: the supervisor runs in process with the real policy engine
// and a real hash-chained trail, and escalations are closed every way they can be (a person's allow and deny, a
// timeout, a lockdown, a hook that went away). Checked here:
//   - no secret quoted by a reason or a grant scope reaches the trail, escalations.json, a notifier or `pending`;
//   - every per-call record names its worker and session, so `audit --worker` and `audit summary --worker` see
//     every closing (and nothing stays "open");
//   - the summary's "people took" counts only decisions by a person, and "most denied commands" groups by the
//     simple command that was denied (`cd /x && rm -rf /y` counts as `rm -rf`).
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAudit } from '../../../src/audit/read.js';
import { summarizeAudit } from '../../../src/audit/summary.js';
import { openAuditLog, type AuditLog } from '../../../src/audit/writer.js';
import { pendingRows } from '../../../src/cli/commands/pending.js';
import type { StatePaths } from '../../../src/core/state.js';
import type { Decider } from '../../../src/gate/decider.js';
import { Supervisor, type EscalationNotice } from '../../../src/gate/supervisor.js';
import { evaluate } from '../../../src/policy/evaluate.js';
import { publishCall, readDecision, stateWithWorker, until, writeAnswer } from '../../helpers/in-process.js';
import { call as callInput, noRates, policyOf } from '../policy/helpers.js';

const WORKER_ID = '00000000-0000-4000-8000-00000000000a';
const GH = 'ghp_ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ';
const OPENAI = 'sk-proj-abcdefghijklmnopqrstuvwxyz123456';
const SECRETS = [GH, OPENAI, 'hunter22'];

const policy = policyOf(`
version: 1
name: trail
default: allow
rules:
  - id: push
    decision: escalate
    reason: Pushing needs a person.
    commands: ["git push"]
    escalate: { to: human, timeout: 10m, on_timeout: deny }
  - id: tag
    decision: escalate
    reason: Tags need a person.
    commands: ["git tag"]
    escalate: { to: human, timeout: 1s, on_timeout: deny }
  - id: db
    decision: deny
    reason: no database shells
    commands: ["psql"]
  - id: rmrf
    decision: deny
    reason: no rm
    commands: ["rm"]
`);

// The real engine (fallback shell parser), as the policy decider runs it.
const decider: Decider = {
  decide: (_w, p) => evaluate(policy, callInput(p.tool_name, p.tool_input), noRates),
  problems: () => [],
  close: () => undefined,
};

let dir: string;
let s: StatePaths;
let log: AuditLog;
let sup: Supervisor | undefined;
let notices: EscalationNotice[];
let n = 0;

beforeEach(async () => {
  ({ dir, s } = stateWithWorker('tg-trail-', WORKER_ID, 'w1'));
  log = openAuditLog(s.audit);
  notices = [];
  sup = new Supervisor({
    state: s,
    decider,
    audit: log,
    logger: pino({ level: 'silent' }),
    onEscalation: (e) => notices.push(e),
  });
  await sup.start();
});

afterEach(async () => {
  await sup?.stop();
  sup = undefined;
  log.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function publish(command: string): Promise<{ fd: number; id: string }> {
  const toolUseId = `toolu_${++n}`;
  const fd = await publishCall(
    { dir, s },
    {
      workerId: WORKER_ID,
      worker: 'w1',
      sessionId: 'sess-t',
      toolUseId,
      payload: { tool_input: { command } },
    },
  );
  return { fd, id: `sess-t.${toolUseId}` };
}

const escalated = (id: string) => () => sup!.escalations.has(id);
const closed = (id: string) => () =>
  readAudit(s.audit).some((r) => r.kind === 'escalation_closed' && r.call === id);

// Everything that was stored or told to someone else, as text.
function trailText(): string {
  return fs
    .readdirSync(s.audit)
    .map((f) => fs.readFileSync(path.join(s.audit, f), 'utf8'))
    .join('\n');
}

describe('secrets quoted by reasons and grant scopes', () => {
  it('are redacted in the trail, escalations.json, notifier payloads and pending rows; the model still gets its reason', async () => {
    const push = await publish(`git push https://bob:${GH}@github.com/x.git main`);
    await until(escalated(push.id));
    const published = fs.readFileSync(s.escalations, 'utf8');
    const rows = JSON.stringify(pendingRows(s));
    const told = JSON.stringify(notices);
    // The reason quotes the command: it is there, redacted.
    expect(published).toContain('git push https://bob:[REDACTED]@github.com/x.git main');
    expect(rows).toContain('git push https://bob:[REDACTED]@github.com/x.git main');
    expect(told).toContain('(rule push)');
    for (const secret of SECRETS) {
      expect(published).not.toContain(secret);
      expect(rows).not.toContain(secret);
      expect(told).not.toContain(secret);
    }
    writeAnswer(s, push.id, { decision: 'allow', grant_minutes: 5 });
    expect((await readDecision(push.fd)).decision).toBe('allow');

    const db = await publish(`export OPENAI_API_KEY=${OPENAI}; psql --password=hunter22 -c 'select 1'`);
    const denied = await readDecision(db.fd);
    expect(denied.decision).toBe('deny');
    expect(denied.reason).toContain('psql --password=hunter22'); // the model wrote that command: it may read it

    const grant = readAudit(s.audit).find((r) => r.kind === 'grant');
    expect(grant).toMatchObject({ action: 'created' });
    expect(String(grant?.scope)).toContain('[REDACTED]');
    const text = trailText();
    expect(text).toContain('psql --password=[REDACTED]');
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });
});

describe('records of escalations closed every way', () => {
  it('all name worker and session, so per-worker queries and summaries see them; people waits count people only', async () => {
    // A person allows, a person denies after the hook went away, a timeout, a lockdown, an abandoned call.
    const a = await publish('git push origin a');
    await until(escalated(a.id));
    writeAnswer(s, a.id, { decision: 'allow' });
    expect((await readDecision(a.fd)).decision).toBe('allow');

    const b = await publish('git push origin b');
    await until(escalated(b.id));
    fs.closeSync(b.fd); // the hook is gone when the answer comes: the call is abandoned after the person's deny
    writeAnswer(s, b.id, { decision: 'deny', reason: 'not now' });
    await until(closed(b.id));

    const t = await publish('git tag v1');
    await until(escalated(t.id));
    expect((await readDecision(t.fd)).decision).toBe('deny'); // its rule times out after 1 s

    const l = await publish('git push origin l');
    await until(escalated(l.id));
    fs.writeFileSync(s.lockdown, JSON.stringify({ v: 1, all: true, reason: 'incident 9', by: 'ops' }));
    expect((await readDecision(l.fd)).decision).toBe('deny');
    fs.rmSync(s.lockdown);
    await until(() => readAudit(s.audit).filter((r) => r.kind === 'lockdown').length === 2);

    const gone = await publish('git push origin gone');
    await until(escalated(gone.id));
    const file = path.join(s.queue, `${gone.id}.tool-pending`);
    const dead = (await execa('sh', ['-c', 'echo $$'])).stdout.trim();
    fs.writeFileSync(
      file,
      JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), hook_pid: Number(dead) }),
    );
    sup!.sweep();
    await until(closed(gone.id));

    const denied = await publish('cd /tmp && rm -rf /tmp/x');
    expect((await readDecision(denied.fd)).decision).toBe('deny');

    const all = readAudit(s.audit);
    const perCall = all.filter((r) => 'call' in r && r.call !== undefined);
    expect(perCall.map((r) => r.kind)).toEqual(
      expect.arrayContaining(['decision', 'escalation_opened', 'escalation_closed', 'call_abandoned']),
    );
    for (const r of perCall) {
      expect({ kind: r.kind, worker: r.worker, session: r.session }).toEqual({
        kind: r.kind,
        worker: 'w1',
        session: 'sess-t',
      });
    }
    const mine = readAudit(s.audit, { worker: 'w1' });
    expect(mine.filter((r) => r.kind === 'escalation_closed').map((r) => r.call)).toEqual([
      a.id,
      b.id,
      t.id,
      l.id,
      gone.id,
    ]);
    expect(mine.filter((r) => r.kind === 'call_abandoned').map((r) => r.call)).toEqual([b.id, gone.id]);
    const sum = summarizeAudit(mine);
    expect(sum.escalations).toMatchObject({
      opened: 5,
      closed: 5,
      open: 0,
      byOutcome: { allow: 1, deny: 2, timeout: 1, abandoned: 1 },
    });
    // Only the two answers by ann count as people's waits (not the lockdown, the timeout or the abandoned call).
    expect(sum.escalations.people?.count).toBe(2);
    expect(sum.escalations.byPerson.map((p) => [p.by, p.count])).toEqual([['ann', 2]]);
    expect(sum.deniedCommands).toContainEqual({ command: 'rm -rf', count: 1 });
    expect(sum.deniedCommands.map((d) => d.command)).not.toContain('cd /tmp');
  });
});
