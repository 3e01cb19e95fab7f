import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointAudit, parseCheckpointArg, readCheckpoints } from '../../../src/audit/checkpoint.js';
import { parseSince } from '../../../src/audit/filter.js';
import { followAudit } from '../../../src/audit/follow.js';
import { readAudit } from '../../../src/audit/read.js';
import { formatSummary } from '../../../src/audit/render.js';
import type { AuditRecord } from '../../../src/audit/schema.js';
import { commandHead, summarizeAudit } from '../../../src/audit/summary.js';
import { verifyAudit } from '../../../src/audit/verify.js';
import { openAuditLog, type AuditLog } from '../../../src/audit/writer.js';
import { makeTempDir, readLines, sampleDecision, steppingClock, writeLines } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

// A small mixed trail: decisions by two workers and rules, an escalation answered by a person, a timeout.
function writeMixed(log: AuditLog): void {
  log.append({ kind: 'supervisor_start', pid: 1 });
  log.append(sampleDecision(1));
  log.append(
    sampleDecision(2, {
      verdict: 'deny',
      rule: 'no-push',
      rules: ['no-push', 'allow-echo'],
      input: { command: 'git push --force origin main' },
    }),
  );
  log.append(
    sampleDecision(3, {
      verdict: 'deny',
      rule: 'no-push',
      rules: ['no-push'],
      input: { command: 'FOO=1 git push origin' },
    }),
  );
  log.append(
    sampleDecision(4, { verdict: 'deny', rule: 'no-rm', rules: ['no-rm'], input: { command: 'rm -rf /' } }),
  );
  // Escalation records with the fields the supervisor writes on them (supervisor-trail.test.ts has it write them).
  const alpha = (n: number) => ({
    call: `s1.toolu_${n}`,
    worker: 'alpha',
    worker_id: 'id-alpha',
    session: 's1',
    tool_use_id: `toolu_${n}`,
    tool: 'Bash',
  });
  log.append({
    kind: 'escalation_opened',
    ...alpha(5),
    to: 'human',
    rule: 'ask-net',
    reason: 'toolgate asks a person to approve this Bash command `curl x` (rule ask-net): network',
    deadline: 'x',
  });
  log.append({
    kind: 'escalation_closed',
    ...alpha(5),
    outcome: 'allow',
    decided_by: 'person',
    by: 'ann',
    waited_ms: 30_000,
  });
  log.append(
    sampleDecision(5, {
      verdict: 'allow',
      rule: 'ask-net',
      rules: ['ask-net'],
      decided_by: 'person',
      by: 'ann',
    }),
  );
  log.append({ kind: 'escalation_opened', ...alpha(7), to: 'human', rule: 'ask-net' });
  log.append({
    kind: 'escalation_closed',
    ...alpha(7),
    outcome: 'timeout',
    decided_by: 'timeout',
    waited_ms: 600_000,
  });
  log.append({
    kind: 'escalation_opened',
    call: 's1.toolu_9',
    worker: 'beta',
    worker_id: 'id-beta',
    session: 's1',
    tool_use_id: 'toolu_9',
    tool: 'Bash',
    to: 'human',
    rule: 'ask-net',
  });
  log.append({ kind: 'policy_reload', revision: 'rev2', ok: true });
}

describe('filters', () => {
  beforeEach(() => {
    const log = openAuditLog(dir, { now: steppingClock(Date.UTC(2025, 0, 1)) });
    writeMixed(log);
    log.close();
  });

  it('by worker, decision, rule, kind and time', () => {
    expect(readAudit(dir)).toHaveLength(12);
    expect(readAudit(dir, { worker: 'beta' }).map((r) => r.seq)).toEqual([3, 5, 11]);
    expect(readAudit(dir, { decision: 'd3' }).map((r) => r.seq)).toEqual([4]);
    expect(readAudit(dir, { rule: 'allow-echo' }).map((r) => r.seq)).toEqual([2, 3]);
    expect(readAudit(dir, { rule: 'ask-net' }).map((r) => r.kind)).toEqual([
      'escalation_opened',
      'decision',
      'escalation_opened',
      'escalation_opened',
    ]);
    expect(readAudit(dir, { kinds: ['policy_reload'] }).map((r) => r.seq)).toEqual([12]);
    expect(readAudit(dir, { since: Date.UTC(2025, 0, 1, 0, 0, 11) }).map((r) => r.seq)).toEqual([11, 12]);
    expect(readAudit(dir, { worker: 'alpha', rule: 'no-push' }).map((r) => r.seq)).toEqual([4]);
    expect(readAudit(dir, { worker: 'nobody' })).toEqual([]);
  });

  it('parses --since', () => {
    expect(parseSince('10m', 1_000_000)).toBe(400_000);
    expect(parseSince('2h', 10_000_000)).toBe(2_800_000);
    expect(parseSince('2025-01-01T00:00:00Z')).toBe(Date.UTC(2025, 0, 1));
    expect(() => parseSince('yesterday')).toThrow(/since/);
  });

  it('summarises decisions, denied commands and escalations', () => {
    const s = summarizeAudit(readAudit(dir));
    expect(s.records).toBe(12);
    expect(s.decisions).toMatchObject({
      total: 5,
      allow: 2,
      deny: 3,
      escalate: 0,
      byDecidedBy: { policy: 4, person: 1 },
    });
    expect(s.workers).toEqual([
      { worker: 'alpha', allow: 2, escalate: 0, deny: 1, total: 3 },
      { worker: 'beta', allow: 0, escalate: 0, deny: 2, total: 2 },
    ]);
    expect(s.rules[0]).toEqual({ rule: 'no-push', allow: 0, escalate: 0, deny: 2, total: 2 });
    expect(s.deniedCommands).toEqual([
      { command: 'git push', count: 2 },
      { command: 'rm -rf', count: 1 },
    ]);
    expect(s.escalations).toMatchObject({
      opened: 3,
      closed: 2,
      open: 1,
      byOutcome: { allow: 1, timeout: 1 },
    });
    expect(s.escalations.people).toEqual({ count: 1, medianMs: 30_000, p90Ms: 30_000, maxMs: 30_000 });
    expect(s.escalations.byPerson).toEqual([
      { by: 'ann', count: 1, medianMs: 30_000, p90Ms: 30_000, maxMs: 30_000 },
    ]);
    expect(s.other).toEqual({ supervisor_start: 1, policy_reload: 1 });
    const text = formatSummary(s);
    expect(text).toContain('most denied commands:');
    expect(text).toMatch(/\n\s+2 {2}git push\n/);
    expect(text).toContain('people took: median 30s');
  });

  it("counts only decisions by a person as people's waits (not a lockdown, a timeout or Claude Code itself)", () => {
    const log = openAuditLog(path.join(dir, 'waits'));
    const closed = (call: string, over: Record<string, unknown>) =>
      log.append({
        kind: 'escalation_closed',
        call,
        worker: 'w',
        session: 's',
        waited_ms: 1000,
        ...over,
      } as never);
    closed('s.1', { outcome: 'allow', decided_by: 'person', by: 'ann', waited_ms: 5000 });
    closed('s.2', { outcome: 'deny', decided_by: 'lockdown', by: 'ann', waited_ms: 90_000 });
    closed('s.3', { outcome: 'deny', decided_by: 'lockdown' });
    closed('s.4', { outcome: 'timeout', decided_by: 'timeout' });
    closed('s.5', { outcome: 'deny', decided_by: 'policy', signal: 'transcript' }); // headless -p refusal
    closed('s.6', { outcome: 'deny', decided_by: 'person', by: 'worker screen', waited_ms: 3000 });
    log.close();
    const s = summarizeAudit(readAudit(path.join(dir, 'waits')));
    expect(s.escalations.people).toMatchObject({ count: 2, maxMs: 5000 });
    expect(s.escalations.byPerson.map((p) => [p.by, p.count])).toEqual([
      ['ann', 1],
      ['worker screen', 1],
    ]);
  });

  it('groups denied commands by the simple command the deciding rule matched', () => {
    const log = openAuditLog(path.join(dir, 'denied'));
    const deny = (i: number, command: string, head?: string) =>
      log.append(
        sampleDecision(i, {
          verdict: 'deny',
          rule: 'no-rm',
          input: { command },
          ...(head ? { command_head: head } : {}),
        }),
      );
    deny(1, 'cd /x && rm -rf /x/y', 'rm -rf');
    deny(2, 'rm -rf /z', 'rm -rf');
    deny(3, 'cd /x && make', undefined); // no command decided (the default): the first words
    log.close();
    expect(summarizeAudit(readAudit(path.join(dir, 'denied'))).deniedCommands).toEqual([
      { command: 'rm -rf', count: 2 },
      { command: 'cd /x', count: 1 },
    ]);
  });

  it('takes the head of a command', () => {
    expect(commandHead('  A=1 B=2 npm  run build')).toBe('npm run');
    expect(commandHead('ls')).toBe('ls');
  });
});

describe('checkpoints', () => {
  it('are appended apart from the trail and catch a cut-off tail', () => {
    const log = openAuditLog(dir);
    for (let i = 1; i <= 5; i++) log.append(sampleDecision(i));
    log.close();
    const out = path.join(dir, 'elsewhere.jsonl');
    const c = checkpointAudit(dir, { out });
    expect(c).toMatchObject({ v: 1, count: 5 });
    expect(readCheckpoints(out)).toEqual([c]);
    expect(parseCheckpointArg(`${c.head}:5`)).toEqual([{ head: c.head, count: 5 }]);
    const file = path.join(dir, 'audit.jsonl');
    writeLines(file, readLines(file).slice(0, 3));
    expect(verifyAudit(dir, { checkpoints: parseCheckpointArg(out) }).problem).toMatchObject({
      type: 'truncated',
      seq: 3,
    });
  });

  it('are refused for a broken trail', () => {
    const log = openAuditLog(dir);
    for (let i = 1; i <= 3; i++) log.append(sampleDecision(i));
    log.close();
    const file = path.join(dir, 'audit.jsonl');
    writeLines(file, readLines(file).reverse());
    expect(() => checkpointAudit(dir)).toThrow(/not writing a checkpoint/);
  });

  it('reject a malformed checkpoints file', () => {
    const f = path.join(dir, 'c.jsonl');
    fs.writeFileSync(f, '{"count":1}\n');
    expect(() => readCheckpoints(f)).toThrow(/c.jsonl:1 is not a checkpoint/);
  });
});

describe('follow', () => {
  // Collects followed records until `n` have arrived, then aborts the follow.
  function collect(filter: Parameters<typeof followAudit>[1], n: number) {
    const seen: AuditRecord[] = [];
    const ac = new AbortController();
    let done!: () => void;
    const enough = new Promise<void>((r) => (done = r));
    const finished = followAudit(
      dir,
      filter,
      (rec) => {
        seen.push(rec);
        if (seen.length === n) done();
      },
      { signal: ac.signal, pollMs: 50 },
    );
    return { seen, enough, stop: () => ac.abort(), finished };
  }

  it('prints the backlog, then appended records, across rotations', async () => {
    const log = openAuditLog(dir, { maxFileBytes: 1200 });
    log.append(sampleDecision(1));
    log.append(sampleDecision(2));
    const f = collect({ worker: 'alpha' }, 6);
    for (let i = 3; i <= 12; i++) log.append(sampleDecision(i));
    await f.enough;
    f.stop();
    await f.finished;
    log.close();
    expect(fs.readdirSync(dir).filter((n) => /audit\.\d+\.jsonl/.test(n)).length).toBeGreaterThan(2);
    expect(f.seen.map((r) => r.decision_id)).toEqual(['d1', 'd3', 'd5', 'd7', 'd9', 'd11']);
  });

  // The writer (another process in real life) rotates twice more while the follower is between two looks: at
  // each record in turn, so the burst also lands between listing the rotated files and opening the new active one.
  for (const at of [2, 3, 4, 5, 6, 7]) {
    it(`catches up from rotated files when records went by between two looks (burst at ${at}: no gap)`, async () => {
      const log = openAuditLog(dir, { maxFileBytes: 1200 });
      log.append(sampleDecision(1));
      const warnings: string[] = [];
      const seen: number[] = [];
      const ac = new AbortController();
      let burst = false;
      let done!: () => void;
      const enough = new Promise<void>((r) => (done = r));
      const finished = followAudit(
        dir,
        {},
        (rec) => {
          seen.push(rec.seq);
          if (rec.seq === at && !burst) {
            burst = true;
            for (let i = 0; i < 8; i++) log.append(sampleDecision(100 + i));
          }
          if (rec.seq === 15) done();
        },
        { signal: ac.signal, pollMs: 20, onWarning: (m) => warnings.push(m) },
      );
      for (let i = 2; i <= 7; i++) log.append(sampleDecision(i));
      await Promise.race([enough, new Promise((r) => setTimeout(r, 1500))]);
      ac.abort();
      await finished;
      log.close();
      expect(warnings).toEqual([]);
      expect(seen).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    });
  }

  it('waits for a trail that does not exist yet', async () => {
    const f = collect({}, 1);
    const log = openAuditLog(dir);
    log.append(sampleDecision(1));
    await f.enough;
    f.stop();
    await f.finished;
    log.close();
    expect(f.seen.map((r) => r.seq)).toEqual([1]);
  });
});
