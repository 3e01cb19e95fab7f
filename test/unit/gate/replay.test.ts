// Policy replay: decisions read back from a real (hash-chained) trail, re-decided with a candidate policy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openAuditLog, readAudit } from '../../../src/audit/index.js';
import { loadPolicy } from '../../../src/policy/index.js';
import { loadShellDeps } from '../../../src/policy/shell-deps.js';
import { replayDecisions, readRecordsFile, type ReplayRecord } from '../../../src/gate/replay.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-replay-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const decision = (over: Record<string, unknown>) => ({
  kind: 'decision' as const,
  decision_id: String(over.call),
  worker: 'w1',
  worker_id: 'wid-1',
  tool: 'Bash',
  verdict: 'allow' as const,
  rule: 'r',
  rules: [],
  revision: 'rev',
  decided_by: 'policy' as const,
  latency_ms: 1,
  ...over,
});

it('reports the calls whose verdict a candidate policy changes, with inexact rows marked', async () => {
  const trail = path.join(dir, 'audit');
  fs.mkdirSync(trail);
  const log = openAuditLog(trail);
  log.append(
    decision({
      call: 'c1',
      input: { command: 'git push origin main' },
      verdict: 'allow',
      rule: 'git-push',
      decided_by: 'person',
      by: 'ann',
    }) as never,
  );
  log.append(
    decision({ call: 'c2', input: { command: 'ls -la' }, verdict: 'allow', rule: 'reads' }) as never,
  );
  log.append(
    decision({
      call: 'c3',
      input: { command: 'curl -H "Authorization: [REDACTED]" https://x' },
      redacted: ['command'],
      verdict: 'allow',
      rule: 'default',
    }) as never,
  );
  log.append(
    decision({
      call: 'c4',
      input: { command: 'ls' },
      verdict: 'deny',
      rule: 'lockdown',
      decided_by: 'lockdown',
    }) as never,
  );
  log.append(
    decision({
      call: 'c5',
      input: { command: 'git push' },
      verdict: 'allow',
      rule: 'grant:g-0123456789',
      granted_rule: 'git-push',
      decided_by: 'person',
      by: 'ann',
    }) as never,
  );
  log.close();
  const pol = path.join(dir, 'p.yaml');
  fs.writeFileSync(
    pol,
    `version: 1\ndefault: allow\nrules:\n  - id: push-ok\n    decision: allow\n    reason: pushes are fine now\n    commands: ["git push"]\n  - id: no-curl\n    decision: deny\n    reason: no network\n    commands: [curl]\n`,
  );
  const policy = loadPolicy([pol]).policy!;
  const deps = await loadShellDeps();
  const r = replayDecisions(readAudit(trail) as Iterable<ReplayRecord>, {
    policy,
    deps,
    home: '/home/u',
    cwdOf: (id) => (id === 'wid-1' ? dir : undefined),
  });
  expect(r.replayed).toBe(4);
  expect(r.skipped).toEqual([{ seq: 4, call: 'c4', why: 'decided by lockdown, not by the policy' }]);
  expect(
    r.changed.map((c) => [c.call, c.before.verdict, c.before.rule, c.after.verdict, c.after.rule]),
  ).toEqual([
    ['c1', 'escalate', 'git-push', 'allow', 'push-ok'],
    ['c3', 'allow', 'default', 'deny', 'no-curl'],
    ['c5', 'escalate', 'git-push', 'allow', 'push-ok'],
  ]);
  expect(r.changed[1]!.inexact).toEqual(['redacted: command']);
  expect(r.unchanged.map((c) => c.call)).toEqual(['c2']);
  // One file read directly gives the same records.
  const file = fs.readdirSync(trail).find((f) => f.endsWith('.jsonl'))!;
  expect(readRecordsFile(path.join(trail, file)).filter((x) => x.kind === 'decision')).toHaveLength(5);
});
