// Escalation on the real CLI: a person approves (the call runs), denies (it does not, and the model reads why),
// or does not answer in time (it does not run); a grant lets the next identical call through without asking and
// is revoked; lockdown denies every call; the worker's own dialog is answered on its screen and recorded; the
// audit trail verifies, and a tampered copy is caught at the changed record.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf, createRig, type Rig } from '../helpers/rig.js';

let rig: Rig;
let ws: string;
let ws2: string;
let ws3: string;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// One Bash call; the final text reports the tool result the model got.
function script(name: string, command: string) {
  return {
    name,
    steps: [{ tools: [{ name: 'Bash', input: { command, description: 'test call' } }] }],
    final: (c: { lastResults: { content: string; is_error: boolean }[] }) =>
      `${c.lastResults[0]?.is_error ? 'ERROR' : 'OK'}: ${c.lastResults[0]?.content ?? ''}`,
  };
}
const marker = (n: string) => path.join(ws, `marker-${n}`);
// `git push` escalates under the default policy; the push itself fails (no repository) and the touch shows it ran.
const pushThenTouch = (n: string) => `git push origin main 2>/dev/null; touch ${marker(n)}`;

interface Row {
  call: string;
  worker: string;
  escalated: boolean;
  summary: string;
}

// Waits until `worker` has an escalated call and returns its id.
async function escalated(worker: string, ms = 30_000): Promise<string> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const r = await rig.toolgate(['pending', '--json']);
    const row = (JSON.parse(r.stdout || '[]') as Row[]).find((x) => x.worker === worker && x.escalated);
    if (row) return row.call;
    await sleep(200);
  }
  throw new Error(`no escalation for ${worker}`);
}

async function auditUntil(
  pred: (r: Record<string, unknown>) => boolean,
  ms = 20_000,
): Promise<Record<string, unknown>> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const hit = auditOf(rig).find(pred);
    if (hit) return hit;
    await sleep(200);
  }
  throw new Error('the audit record never appeared');
}

beforeAll(async () => {
  rig = await createRig([]);
  ws = rig.workspace('ws');
  ws2 = rig.workspace('ws2');
  ws3 = rig.workspace('ws3');
  for (const n of ['approved', 'denied', 'grant', 'revoked', 'locked', 'expire'])
    rig.model.add(script(n, pushThenTouch(n === 'revoked' ? 'grant' : n)));
  // Reports what else the model got beside the tool result (a hook's additionalContext arrives as a text block).
  rig.model.add({
    ...script('approved-note', pushThenTouch('approved-note')),
    final: (c) =>
      `${c.lastResults[0]?.is_error ? 'ERROR' : 'OK'}; beside it: ${(c.lastTexts ?? []).join(' | ').replace(/\s+/g, ' ')}`,
  });
  rig.model.add(script('timeout', `touch ${path.join(ws2, 'marker-timeout')}`));
  rig.model.add(script('dlg-yes', `touch ${path.join(ws3, 'marker-dlg-yes')}`));
  rig.model.add(script('dlg-no', `touch ${path.join(ws3, 'marker-dlg-no')}`));
  // The supervisor's own layers stay the default policy; workers add theirs with --policy.
  const sup = await rig.toolgate(['supervise', '--daemon']);
  expect(sup.code, sup.stderr).toBe(0);
  await rig.launch('w1', ws);
}, 180_000);

afterAll(async () => {
  await rig?.toolgate(['stop', 'w1']);
  await rig?.close();
});

describe('escalation to a person on the real CLI', () => {
  it('an approved call runs', async () => {
    const conv = rig.toolgate(['converse', 'w1', '<<S:approved>> go']);
    const call = await escalated('w1');
    const a = await rig.toolgate(['approve', call, 'allow', '--reason', 'fine', '--by', 'ann']);
    expect(a.code, a.stderr).toBe(0);
    expect((await conv).stdout).toMatch(/^OK/);
    expect(fs.existsSync(marker('approved'))).toBe(true);
    expect(auditOf(rig).find((r) => r.kind === 'escalation_closed' && r.call === call)).toMatchObject({
      outcome: 'allow',
      decided_by: 'person',
      by: 'ann',
    });
  });

  it("the reason of an approved call reaches the model (additionalContext; an allow's own reason is dropped)", async () => {
    const conv = rig.toolgate(['converse', 'w1', '<<S:approved-note>> go']);
    const call = await escalated('w1');
    const a = await rig.toolgate([
      'approve',
      call,
      'allow',
      '--reason',
      'ship it, Friday is fine',
      '--by',
      'ann',
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toContain(`allowed ${call}`);
    const out = (await conv).stdout;
    expect(out).toMatch(/^OK/);
    expect(out).toContain('a person approved this tool call, with this note: ship it, Friday is fine');
    expect(fs.existsSync(marker('approved-note'))).toBe(true);
  });

  it('a denied call does not run and the model reads the reason', async () => {
    const conv = rig.toolgate(['converse', 'w1', '<<S:denied>> go']);
    const call = await escalated('w1');
    expect((await rig.toolgate(['approve', call, 'deny', '--reason', 'not on a Friday'])).code).toBe(0);
    const out = (await conv).stdout;
    expect(out).toMatch(/^ERROR/);
    expect(out).toContain('a person refused it: not on a Friday');
    expect(fs.existsSync(marker('denied'))).toBe(false);
  });

  it('a call nobody answers in time does not run', async () => {
    const pol = path.join(rig.dir, 'fast-timeout.yaml');
    fs.writeFileSync(
      pol,
      'version: 1\nrules:\n  - id: touch-needs-a-person\n    decision: escalate\n    reason: touching needs a person here\n    commands: [touch]\n    escalate: { timeout: 3s }\n',
    );
    await rig.launch('w2', ws2, ['--policy', pol]);
    const t0 = Date.now();
    const r = await rig.toolgate(['converse', 'w2', '<<S:timeout>> go']);
    expect(r.stdout).toContain('none came in time');
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(fs.existsSync(path.join(ws2, 'marker-timeout'))).toBe(false);
    expect(auditOf(rig).some((r) => r.kind === 'escalation_closed' && r.outcome === 'timeout')).toBe(true);
    await rig.toolgate(['stop', 'w2']);
  });
});

describe('grants on the real CLI', () => {
  it('a grant lets the next identical call through without asking, and a revoked one asks again', async () => {
    let conv = rig.toolgate(['converse', 'w1', '<<S:grant>> go']);
    const first = await escalated('w1');
    expect((await rig.toolgate(['approve', first, 'allow', '--grant', '1', '--by', 'ann'])).code).toBe(0);
    expect((await conv).stdout).toMatch(/^OK/);
    const created = auditOf(rig).find((r) => r.kind === 'grant' && r.action === 'created')!;
    expect(created).toMatchObject({ by: 'ann', worker: 'w1', rule: 'git-push', grant_scope: 'exact' });
    const gid = created.grant_id as string;
    const list = await rig.toolgate(['grants']);
    expect(list.stdout).toContain(gid);
    expect((await rig.toolgate(['pending'])).stdout).toContain(gid);

    // The same command again: it runs at once, recorded as decided by the grant.
    fs.rmSync(marker('grant'));
    const again = await rig.toolgate(['converse', 'w1', '<<S:grant>> go']);
    expect(again.stdout).toMatch(/^OK/);
    expect(fs.existsSync(marker('grant'))).toBe(true);
    const byGrant = auditOf(rig)
      .filter((r) => r.kind === 'decision')
      .at(-1)!;
    expect(byGrant).toMatchObject({
      verdict: 'allow',
      rule: `grant:${gid}`,
      decided_by: 'person',
      by: 'ann',
      granted_rule: 'git-push',
    });
    expect(auditOf(rig).filter((r) => r.kind === 'escalation_opened' && r.call === byGrant.call)).toEqual([]);

    // Revoked: the same call asks a person again (and is denied here).
    const rv = await rig.toolgate(['grants', 'revoke', gid, '--reason', 'done']);
    expect(rv.code, rv.stderr).toBe(0);
    expect(auditOf(rig).find((r) => r.kind === 'grant' && r.action === 'revoked')).toMatchObject({
      grant_id: gid,
    });
    fs.rmSync(marker('grant'));
    conv = rig.toolgate(['converse', 'w1', '<<S:revoked>> go']);
    const third = await escalated('w1');
    await rig.toolgate(['approve', third, 'deny']);
    expect((await conv).stdout).toMatch(/^ERROR/);
    expect(fs.existsSync(marker('grant'))).toBe(false);
  });
});

describe('grant expiry on the real CLI', () => {
  it('a grant stops applying when it expires: the same call asks a person again', async () => {
    let conv = rig.toolgate(['converse', 'w1', '<<S:expire>> go']);
    expect((await rig.toolgate(['approve', await escalated('w1'), 'allow', '--grant', '1'])).code).toBe(0);
    expect((await conv).stdout).toMatch(/^OK/);
    const gid = auditOf(rig)
      .filter((r) => r.kind === 'grant' && r.action === 'created')
      .at(-1)!.grant_id as string;
    fs.rmSync(marker('expire'));
    expect((await rig.toolgate(['converse', 'w1', '<<S:expire>> go'])).stdout).toMatch(/^OK/); // within the minute
    expect(fs.existsSync(marker('expire'))).toBe(true);
    // The shortest grant is a minute: wait for the supervisor to record its expiry, then try again.
    await auditUntil((r) => r.kind === 'grant' && r.action === 'expired' && r.grant_id === gid, 90_000);
    fs.rmSync(marker('expire'));
    conv = rig.toolgate(['converse', 'w1', '<<S:expire>> go']);
    await rig.toolgate(['approve', await escalated('w1'), 'deny']);
    expect((await conv).stdout).toMatch(/^ERROR/);
    expect(fs.existsSync(marker('expire'))).toBe(false);
  }, 180_000);
});

describe('lockdown on the real CLI', () => {
  it('denies every call while on, and is recorded on and off', async () => {
    const on = await rig.toolgate(['lockdown', 'on', '--reason', 'drill', '--by', 'ann']);
    expect(on.code, on.stderr).toBe(0);
    try {
      expect((await rig.toolgate(['lockdown'])).stdout).toContain('ALL workers (drill)');
      const r = await rig.toolgate(['converse', 'w1', '<<S:locked>> go']);
      expect(r.stdout).toMatch(/^ERROR/);
      expect(r.stdout).toContain('toolgate is in lockdown (drill)');
      expect(fs.existsSync(marker('locked'))).toBe(false);
    } finally {
      expect((await rig.toolgate(['lockdown', 'off', '--by', 'ann'])).code).toBe(0);
    }
    await auditUntil((r) => r.kind === 'lockdown' && r.action === 'off');
    expect(
      auditOf(rig)
        .filter((r) => r.kind === 'lockdown')
        .map((r) => [r.action, r.by, r.reason]),
    ).toEqual([
      ['on', 'ann', 'drill'],
      ['off', 'ann', undefined],
    ]);
    expect(
      auditOf(rig)
        .filter((r) => r.kind === 'decision')
        .at(-1),
    ).toMatchObject({ decided_by: 'lockdown', verdict: 'deny' });
  });
});

describe("the worker's own dialog on the real CLI", () => {
  it('records Yes and No given on the worker screen', async () => {
    const pol = path.join(rig.dir, 'dialog.yaml');
    fs.writeFileSync(
      pol,
      'version: 1\nrules:\n  - id: touch-dialog\n    decision: escalate\n    reason: touching needs a look\n    commands: [touch]\n    escalate: { to: dialog }\n',
    );
    await rig.launch('w3', ws3, ['--policy', pol]);
    const yes = rig.toolgate(['converse', 'w3', '<<S:dlg-yes>> go']);
    await rig.screenUntil('w3', 'marker-dlg-yes` (rule');
    await rig.answerDialog('w3', '1');
    expect((await yes).stdout).toMatch(/^OK/);
    expect(fs.existsSync(path.join(ws3, 'marker-dlg-yes'))).toBe(true);
    const opened = auditOf(rig).find((r) => r.kind === 'escalation_opened' && r.to === 'dialog')!;
    expect(await auditUntil((r) => r.kind === 'escalation_closed' && r.call === opened.call)).toMatchObject({
      outcome: 'allow',
      decided_by: 'person',
      by: 'worker screen',
    });

    // No (the answer on the screen): the call does not run; no Stop fires, so wait on the audit trail.
    await rig.toolgate(['send', 'w3', '<<S:dlg-no>> go']);
    await rig.screenUntil('w3', 'marker-dlg-no` (rule');
    await rig.answerDialog('w3', '2');
    const closed = await auditUntil(
      (r) => r.kind === 'escalation_closed' && r.outcome === 'deny' && r.by === 'worker screen',
    );
    expect(closed).toMatchObject({ decided_by: 'person', signal: 'transcript' });
    expect(fs.existsSync(path.join(ws3, 'marker-dlg-no'))).toBe(false);
    await rig.toolgate(['stop', 'w3']);
  });
});

describe('the audit trail', () => {
  it('verifies, and a tampered copy is caught at the changed record', async () => {
    const v = await rig.toolgate(['audit', 'verify', '--json']);
    expect(v.code, v.stdout).toBe(0);
    expect(JSON.parse(v.stdout).ok).toBe(true);
    const copy = path.join(rig.dir, 'audit-copy');
    fs.cpSync(path.join(rig.stateDir, 'audit'), copy, { recursive: true });
    const file = fs
      .readdirSync(copy)
      .filter((f) => f.endsWith('.jsonl') && !f.startsWith('checkpoint'))
      .sort()[0]!;
    const lines = fs.readFileSync(path.join(copy, file), 'utf8').split('\n');
    const i = lines.findIndex(
      (l) => l.includes('"kind":"escalation_closed"') && l.includes('"outcome":"deny"'),
    );
    expect(i).toBeGreaterThan(0);
    const seq = (JSON.parse(lines[i]!) as { seq: number }).seq;
    lines[i] = lines[i]!.replace('"outcome":"deny"', '"outcome":"allow"');
    fs.writeFileSync(path.join(copy, file), lines.join('\n'));
    const t = await rig.toolgate(['audit', 'verify', '--dir', copy, '--json']);
    expect(t.code).toBe(1);
    expect(JSON.parse(t.stdout).problem).toMatchObject({ seq, line: i + 1 });
  });

  it('a record removed or two swapped are caught where it happened; a cut-off tail against a checkpoint', async () => {
    const cp = await rig.toolgate([
      'audit',
      'checkpoint',
      '--out',
      path.join(rig.dir, 'kept-elsewhere.jsonl'),
    ]);
    expect(cp.code, cp.stderr).toBe(0);
    // Applies `edit` to the lines of a copy of the trail's first file and verifies the copy.
    const tampered = async (name: string, edit: (lines: string[]) => void, extra: string[] = []) => {
      const copy = path.join(rig.dir, `audit-${name}`);
      fs.cpSync(path.join(rig.stateDir, 'audit'), copy, { recursive: true });
      fs.rmSync(path.join(copy, 'checkpoints.jsonl'), { force: true });
      const file = fs
        .readdirSync(copy)
        .filter((f) => f.endsWith('.jsonl') && !f.startsWith('checkpoint'))
        .sort()[0]!;
      const lines = fs.readFileSync(path.join(copy, file), 'utf8').split('\n').filter(Boolean);
      edit(lines);
      fs.writeFileSync(path.join(copy, file), lines.map((l) => l + '\n').join(''));
      const r = await rig.toolgate(['audit', 'verify', '--dir', copy, '--json', ...extra]);
      expect(r.code, r.stdout).toBe(1);
      return JSON.parse(r.stdout) as { problem: { type: string; line?: number; seq?: number } };
    };
    const removed = await tampered('removed', (l) => l.splice(5, 1));
    expect(removed.problem).toMatchObject({ type: 'removed', line: 6 });
    const swapped = await tampered('swapped', (l) => l.splice(5, 2, l[6]!, l[5]!));
    expect(swapped.problem).toMatchObject({ type: 'reordered', line: 6 });
    const cut = await tampered('cut', (l) => l.splice(l.length - 3, 3), [
      '--checkpoint',
      path.join(rig.dir, 'kept-elsewhere.jsonl'),
    ]);
    expect(cut.problem.type).toBe('truncated');
  });

  it('policy replay shows which past decisions a candidate policy changes', async () => {
    const pol = path.join(rig.dir, 'push-ok.yaml');
    fs.writeFileSync(
      pol,
      'version: 1\ndefault: allow\nrules:\n  - id: push-ok\n    decision: allow\n    reason: pushes are fine\n    commands: ["git push"]\n',
    );
    const r = await rig.toolgate(['policy', 'replay', '--policy', pol, '--json', '--no-floor']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      replayed: number;
      changed: { before: { verdict: string; rule: string }; after: { verdict: string } }[];
    };
    expect(out.replayed).toBeGreaterThan(3);
    expect(
      out.changed.some(
        (c) => c.before.verdict === 'escalate' && c.before.rule === 'git-push' && c.after.verdict === 'allow',
      ),
    ).toBe(true);
  });
});
