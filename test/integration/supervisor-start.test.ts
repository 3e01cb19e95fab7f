// Starting supervisors: one per state directory, and two starters racing both succeed with the same one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';

const TOOLGATE = path.resolve('bin/toolgate.js');
let dir: string;
const run = (args: string[]) =>
  execa(process.execPath, [TOOLGATE, ...args], {
    env: { TOOLGATE_STATE_DIR: path.join(dir, 'state') },
    reject: false,
  });

afterEach(async () => {
  await run(['supervise', '--stop']);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('supervisor start', () => {
  it('two daemons started at once on a fresh state directory both succeed, and one supervisor runs', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-start-'));
    const [a, b] = await Promise.all([run(['supervise', '--daemon']), run(['supervise', '--daemon'])]);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(b.exitCode, b.stderr).toBe(0);
    const pid = Number(fs.readFileSync(path.join(dir, 'state', 'supervisor.pid'), 'utf8'));
    expect(pid).toBeGreaterThan(0);
    const fg = await run(['supervise']);
    expect(fg.exitCode).toBe(1);
    expect(fg.stderr).toContain('SUPERVISOR_RUNNING');
  });

  it('rotates the audit trail at the size --audit-rotate-mb sets, and the chain runs on across the files', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-start-'));
    const bad = await run(['supervise', '--daemon', '--audit-rotate-mb', 'lots']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--audit-rotate-mb must be a number of MiB');
    expect(fs.existsSync(path.join(dir, 'state', 'supervisor.pid'))).toBe(false);
    const up = await run(['supervise', '--daemon', '--audit-rotate-mb', '0.001']);
    expect(up.exitCode, up.stderr).toBe(0);
    const auditDir = path.join(dir, 'state', 'audit');
    const lockdowns = () =>
      fs
        .readdirSync(auditDir)
        .filter((f) => f.endsWith('.jsonl') && !f.startsWith('checkpoint'))
        .flatMap((f) => fs.readFileSync(path.join(auditDir, f), 'utf8').split('\n'))
        .filter((l) => l.includes('"kind":"lockdown"')).length;
    // Each change is one record, written when the supervisor sees the lockdown file change.
    for (let i = 0; i < 8; i++) {
      const change = i % 2 ? ['off'] : ['on', '--reason', `drill ${i}`];
      expect((await run(['lockdown', ...change])).exitCode).toBe(0);
      const until = Date.now() + 10_000;
      while (lockdowns() < i + 1) {
        if (Date.now() > until) throw new Error(`lockdown record ${i + 1} never written`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const files = fs.readdirSync(auditDir).filter((f) => f.endsWith('.jsonl') && !f.startsWith('checkpoint'));
    expect(files.length).toBeGreaterThan(1);
    const verify = await run(['audit', 'verify', '--json']);
    expect(verify.exitCode, verify.stdout).toBe(0);
    expect(JSON.parse(verify.stdout).files.length).toBe(files.length);
  });
});
