// `toolgate lockdown` through the command object: plain `off` lifts only the lockdown of all workers (a worker's
// own stays until `off WORKER` or `off --all`), and every `on` takes its own reason (none without --reason)
// instead of keeping an older one.
import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatePaths } from '../../../src/core/state.js';
import { lockdownCommand } from '../../../src/cli/commands/lockdown.js';
import { pendingCommand } from '../../../src/cli/commands/pending.js';
import { statusCommand } from '../../../src/cli/commands/status.js';
import { isLockedDown, lockdownWhy, readLockdown } from '../../../src/gate/lockdown.js';
import { stateWithWorker } from '../../helpers/in-process.js';

const W1 = '00000000-0000-4000-8000-000000000001';
let dir: string;
let s: StatePaths;

beforeEach(() => {
  ({ dir, s } = stateWithWorker('tg-lockdown-', W1));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function lockdown(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCommand(lockdownCommand, [
    ...argv,
    ...(argv[0] === 'on' || argv[0] === 'off' ? ['--by', 'ann'] : []),
  ]);
}

async function runCommand(
  command: { run: typeof lockdownCommand.run },
  argv: string[],
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (b: Buffer) => (out += b.toString()));
  stderr.on('data', (b: Buffer) => (err += b.toString()));
  const code = await command.run({
    argv,
    stdin: new PassThrough(),
    stdout,
    stderr,
    env: { TOOLGATE_STATE_DIR: s.root, HOME: dir },
    cwd: dir,
  });
  return { code, out, err };
}

describe('toolgate lockdown', () => {
  it('a later `on` without --reason does not keep an older reason', async () => {
    await lockdown('on', '--reason', 'incident 42');
    expect(lockdownWhy(readLockdown(s.lockdown), W1)).toBe('incident 42');
    await lockdown('on');
    expect(lockdownWhy(readLockdown(s.lockdown), W1)).toBeUndefined();
    expect((await lockdown('status')).out.trim()).toBe('lockdown: ALL workers, by ann');
  });

  it("a worker's reason and the reason for all workers are kept apart", async () => {
    await lockdown('on', 'w1', '--reason', 'incident 42');
    await lockdown('on');
    let l = readLockdown(s.lockdown);
    expect(l.all).toBe(true);
    expect(l.reason).toBeUndefined(); // not "incident 42"
    await lockdown('off');
    l = readLockdown(s.lockdown);
    expect(lockdownWhy(l, W1)).toBe('incident 42');
  });

  it('plain `off` lifts only the lockdown of all workers; `off --all` lifts every one', async () => {
    await lockdown('on', '--reason', 'everyone');
    await lockdown('on', 'w1', '--reason', 'w1 misbehaves');
    const off = await lockdown('off');
    expect(off.code).toBe(0);
    let l = readLockdown(s.lockdown);
    expect(l.all).toBe(false);
    expect(isLockedDown(l, W1)).toBe(true); // w1's own lockdown stays
    expect(off.out + off.err).toContain('w1');
    expect(off.out + off.err).toContain('off --all');
    await lockdown('on');
    const all = await lockdown('off', '--all');
    expect(all.code).toBe(0);
    l = readLockdown(s.lockdown);
    expect(l.all).toBe(false);
    expect(isLockedDown(l, W1)).toBe(false);
    expect((await lockdown('status')).out.trim()).toBe('lockdown: off');
  });

  it("status and pending show a worker's own lockdown with its own reason and how to lift it", async () => {
    await lockdown('on', 'w1', '--reason', 'w1 misbehaves');
    const st = await runCommand(statusCommand, ['w1']);
    expect(st.err).toContain('(w1 misbehaves)');
    expect(st.err).toContain('`toolgate lockdown off w1`');
    const pend = await runCommand(pendingCommand, []);
    expect(pend.out).toContain('LOCKDOWN: w1 (w1 misbehaves)');
  });

  it('the help says what plain off, off WORKER and off --all lift', () => {
    expect(lockdownCommand.help).toContain('off --all');
    expect(lockdownCommand.help).toMatch(/off\s+lifts the lockdown of all workers only/);
  });
});
