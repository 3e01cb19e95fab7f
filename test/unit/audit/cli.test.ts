import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditCommand } from '../../../src/cli/commands/audit.js';
import { isToolgateError } from '../../../src/core/errors.js';
import { openAuditLog } from '../../../src/audit/writer.js';
import { makeTempDir, readLines, sampleDecision, writeLines } from './helpers.js';

let state: string;
let dir: string;
beforeEach(() => {
  state = makeTempDir();
  dir = path.join(state, 'audit');
  const log = openAuditLog(dir);
  for (let i = 1; i <= 4; i++)
    log.append(
      sampleDecision(
        i,
        i === 4 ? { verdict: 'deny', rule: 'no-rm', rules: ['no-rm'], input: { command: 'rm -rf /' } } : {},
      ),
    );
  log.close();
});
afterEach(() => fs.rmSync(state, { recursive: true, force: true }));

// Runs `toolgate audit ...argv` with TOOLGATE_STATE_DIR set; returns the exit status and output.
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  let code: number;
  try {
    code = await auditCommand.run({
      argv,
      stdin: new PassThrough(),
      stdout,
      stderr,
      env: { TOOLGATE_STATE_DIR: state },
      cwd: state,
    });
  } catch (e) {
    if (!isToolgateError(e)) throw e;
    code = e.exitCode;
    err += `error[${e.code}] ${e.message}`;
  }
  return { code, out, err };
}

describe('toolgate audit', () => {
  it('lists records from the state dir, as text and JSON, filtered', async () => {
    const text = await run();
    expect(text.code).toBe(0);
    expect(text.out.trim().split('\n')).toHaveLength(4);
    expect(text.out).toMatch(/#4 {2}decision {2}beta {2}Bash {2}DENY {2}rule=no-rm .* rm -rf \//);
    const json = await run('--json', '--rule', 'no-rm');
    expect(
      json.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).seq),
    ).toEqual([4]);
  });

  it('verifies, and fails with status 1 at the changed record', async () => {
    expect(await run('verify')).toMatchObject({ code: 0, out: expect.stringMatching(/^OK: 4 records/) });
    const file = path.join(dir, 'audit.jsonl');
    const lines = readLines(file);
    lines[1] = (lines[1] as string).replace('"allow"', '"deny"');
    writeLines(file, lines);
    const bad = await run('verify');
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/FAILED: changed at audit.jsonl:2 \(record 2\)/);
    const json = JSON.parse((await run('verify', '--json')).out);
    expect(json.problem).toMatchObject({ type: 'changed', line: 2 });
  });

  it('checkpoints, and verify uses the checkpoint to catch a cut-off tail', async () => {
    const cp = await run('checkpoint', '--json');
    expect(cp.code).toBe(0);
    const c = JSON.parse(cp.out);
    expect(c).toMatchObject({ count: 4, file: path.join(dir, 'checkpoints.jsonl') });
    const file = path.join(dir, 'audit.jsonl');
    writeLines(file, readLines(file).slice(0, 2));
    const v = await run('verify');
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/FAILED: truncated/);
    fs.rmSync(path.join(dir, 'checkpoints.jsonl'));
    expect((await run('verify')).code).toBe(0);
    expect((await run('verify', '--checkpoint', `${c.head}:4`)).code).toBe(1);
  });

  it('summarises', async () => {
    const s = await run('summary');
    expect(s.out).toMatch(/decisions: 4 \(allow 3, escalate 0, deny 1\)/);
    expect(JSON.parse((await run('summary', '--json')).out).decisions.total).toBe(4);
  });

  it('usage errors exit 2; a missing trail exits 1; --help exits 0', async () => {
    expect((await run('--bogus')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('--since', 'soon')).code).toBe(2);
    expect((await run('verify', '--checkpoint')).code).toBe(2);
    expect((await run('--dir', path.join(state, 'nope'))).code).toBe(1);
    const help = await run('verify', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('exit status: 0 ok; 1 verification failed');
  });
});
