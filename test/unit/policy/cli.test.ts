// toolgate policy check|test|eval through the command object, with in-memory streams.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { policyCommand } from '../../../src/cli/commands/policy.js';

async function run(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const input = new PassThrough();
  input.end(stdin);
  let out = '';
  let err = '';
  stdout.on('data', (b: Buffer) => (out += b.toString()));
  stderr.on('data', (b: Buffer) => (err += b.toString()));
  const code = await policyCommand.run({
    argv,
    stdin: input,
    stdout,
    stderr,
    env: { HOME: '/home/user' },
    cwd: '/home/user/project',
  });
  return { code, out, err };
}

describe('toolgate policy', () => {
  it('check: exit 0 on the shipped policies', async () => {
    const r = await run(['check', 'policies/default.yaml', 'policies/strict.yaml']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ok: 2 file\(s\)/);
  });

  it('test: passes the shipped inline tests, --json reports counts', async () => {
    const r = await run(['test', 'policies/readonly.yaml', '--json']);
    const report = JSON.parse(r.out) as { ok: boolean; failed: number; passed: number };
    expect(r.code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.passed).toBeGreaterThan(5);
  });

  it('eval: one verdict per line, in order; bad lines are denied', async () => {
    const lines = [
      JSON.stringify({
        tool_name: 'Read',
        tool_input: { file_path: 'a.ts' },
        cwd: '/home/user/project',
        session_id: 's',
      }),
      'not json',
      JSON.stringify({
        tool_name: 'Bash',
        tool_input: { command: 'git push' },
        cwd: '/home/user/project',
        session_id: 's',
      }),
    ].join('\n');
    const r = await run(['eval', '--policy', 'policies/default.yaml'], lines + '\n');
    const out = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { decision: string; rule: string });
    expect(out.map((o) => `${o.decision}:${o.rule}`)).toEqual([
      'allow:read-tools',
      'deny:invalid-input',
      'escalate:git-push',
    ]);
  });

  it('usage errors are ToolgateErrors with exit 2', async () => {
    await expect(run(['frobnicate'])).rejects.toMatchObject({ code: 'USAGE', exitCode: 2 });
    await expect(run(['check'])).rejects.toMatchObject({ code: 'USAGE' });
    expect((await run([])).code).toBe(2);
  });
});
