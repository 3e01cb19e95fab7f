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
});
