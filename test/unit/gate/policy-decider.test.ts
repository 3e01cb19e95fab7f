// The policy decider's reload of a changed policy file (chokidar watcher): a file rewritten soon after a failed
// reload (within chokidar's 50 ms change throttle, which drops the event) is still picked up, and a broken file
// keeps the last good policy in force.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPolicyDecider } from '../../../src/gate/policy-decider.js';
import type { WorkerRecord } from '../../../src/workers/registry.js';
import type { HookPayload } from '../../../src/policy/types.js';

type Reload = { ok: boolean; revision?: string; errors: string[] };
let dir: string;
let closeDecider: (() => void) | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-decider-'));
  fs.mkdirSync(path.join(dir, 'state', 'workers'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'ws'));
});
afterEach(() => {
  closeDecider?.();
  closeDecider = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

const policy = (decision: string) =>
  `version: 1\nname: unit\ndefault: deny\nrules:\n  - id: rule-true\n    decision: ${decision}\n    reason: unit ${decision}\n    commands: ["true"]\n`;

function worker(): WorkerRecord {
  return {
    v: 1,
    name: 'w1',
    worker_id: '00000000-0000-4000-8000-000000000001',
    tmux_name: 'tg-w1',
    tmux_socket: null,
    cwd: path.join(dir, 'ws'),
    events_file: path.join(dir, 'events.jsonl'),
    started_at: new Date().toISOString(),
    claude_bin: 'claude',
    claude_version: '0',
    policy: [],
    observe: false,
    invocation: [],
  };
}

const call = (w: WorkerRecord, n: number): HookPayload => ({
  session_id: w.worker_id,
  cwd: w.cwd,
  hook_event_name: 'PreToolUse',
  tool_name: 'Bash',
  tool_input: { command: 'true' },
  tool_use_id: `toolu_${n}`,
});

async function waitFor<T>(get: () => T | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('policy decider reload', () => {
  it('takes a good policy written right after a failed reload (inside the watcher throttle)', async () => {
    const file = path.join(dir, 'unit.yaml');
    fs.writeFileSync(file, policy('allow'));
    const reloads: Reload[] = [];
    let fixOnFailure = false;
    const d = await createPolicyDecider({
      stateDir: path.join(dir, 'state'),
      policies: [file],
      home: dir,
      logger: pino({ level: 'silent' }),
      onReload: (r) => {
        reloads.push(r);
        // The operator saves the fixed policy at once: within 50 ms of the event that reported the broken one.
        if (!r.ok && fixOnFailure) {
          fixOnFailure = false;
          fs.writeFileSync(file, policy('deny'));
        }
      },
    });
    closeDecider = () => d.close();
    const w = worker();
    const first = d.decide(w, call(w, 1), Date.now());
    expect(first.verdict).toBe('allow');
    const good = first.revision;
    // Let the watcher start before the first write.
    await new Promise((r) => setTimeout(r, 300));

    fixOnFailure = true;
    fs.writeFileSync(file, '{{{ not: yaml: [');
    await waitFor(() => reloads.find((r) => !r.ok), 5000, 'the failed reload');
    // Until the fix is read, the last good policy stays in force.
    const fixed = await waitFor(
      () => reloads.find((r) => r.ok && r.revision !== good),
      5000,
      'the reload of the fixed policy',
    );
    const after = d.decide(w, call(w, 2), Date.now());
    expect(after.verdict).toBe('deny');
    expect(after.revision).toBe(fixed.revision);
  });

  it('keeps the last good policy while the file is garbage, binary or empty', async () => {
    const file = path.join(dir, 'unit.yaml');
    fs.writeFileSync(file, policy('allow'));
    const reloads: Reload[] = [];
    const d = await createPolicyDecider({
      stateDir: path.join(dir, 'state'),
      policies: [file],
      home: dir,
      logger: pino({ level: 'silent' }),
      onReload: (r) => reloads.push(r),
    });
    closeDecider = () => d.close();
    const w = worker();
    const good = d.decide(w, call(w, 1), Date.now()).revision;
    await new Promise((r) => setTimeout(r, 300));
    let n = 2;
    for (const garbage of ['{{{ not: yaml: [', '\u0000\u0001binary', '']) {
      const before = reloads.filter((r) => !r.ok).length;
      fs.writeFileSync(file, garbage);
      await waitFor(
        () => (reloads.filter((r) => !r.ok).length > before ? true : undefined),
        5000,
        `a failed reload after ${JSON.stringify(garbage)}`,
      );
      const d2 = d.decide(w, call(w, n++), Date.now());
      expect(d2.verdict).toBe('allow');
      expect(d2.revision).toBe(good);
    }
    fs.writeFileSync(file, policy('deny'));
    await waitFor(() => reloads.find((r) => r.ok && r.revision !== good), 5000, 'the good reload');
    expect(d.decide(w, call(w, n), Date.now()).verdict).toBe('deny');
  });
});
