// A policy that does not load (here: an escalation longer than the gate hook can wait) is rejected when it is
// given, by `supervise` (foreground and --daemon) and by `launch`, with a clear error naming the file and line,
// and nothing is started, created or changed. Before, the supervisor started with no problem reported and the
// first call was denied.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { superviseCommand } from '../../../src/cli/commands/supervise.js';
import { launchCommand } from '../../../src/cli/commands/launch.js';
import type { Command } from '../../../src/cli/command.js';
import { assertPoliciesLoad, startDaemon, stopDaemon } from '../../../src/gate/run-supervisor.js';
import { statePaths } from '../../../src/core/state.js';
import { isToolgateError } from '../../../src/core/errors.js';

let dir: string;
let state: string;
const LONG = `version: 1
name: long
default: allow
rules:
  - id: push
    decision: escalate
    reason: Pushing needs a person.
    commands: ["git push"]
    escalate: { to: human, timeout: 45m, on_timeout: deny }
`;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-polload-'));
  state = path.join(dir, 'state'); // not created: nothing may create it
  fs.writeFileSync(path.join(dir, 'long.yaml'), LONG);
  fs.writeFileSync(path.join(dir, 'ok.yaml'), LONG.replace('45m', '30m'));
  fs.mkdirSync(path.join(dir, 'ws'));
});
afterEach(async () => {
  // Should a supervisor have been started after all (the defect), stop it rather than leave it running.
  if (fs.existsSync(state)) await stopDaemon(statePaths(state)).catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(cmd: Command, argv: string[]): Promise<{ code: number; err: string; error?: unknown }> {
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (b: Buffer) => (err += b.toString()));
  try {
    const code = await cmd.run({
      argv,
      stdin: new PassThrough(),
      stdout: new PassThrough(),
      stderr,
      env: {
        TOOLGATE_STATE_DIR: state,
        HOME: dir,
        PATH: process.env.PATH,
        TOOLGATE_CLAUDE_BIN: path.join(dir, 'no-claude'), // a launch that got past the check fails here
      },
      cwd: dir,
    });
    return { code, err };
  } catch (error) {
    return { code: -1, err, error };
  }
}

function expectRejected(r: { error?: unknown }): void {
  expect(isToolgateError(r.error), String(r.error)).toBe(true);
  const e = r.error as Error & { code: string; hint?: string };
  expect(e.code).toBe('POLICY_INVALID');
  expect(e.message).toMatch(/long\.yaml:\d+:\d+: /); // where
  expect(e.message).toContain('at most 1800 s'); // what
  expect(e.hint).toContain('toolgate policy check');
  expect(fs.existsSync(state)).toBe(false); // nothing created
}

describe('policies are compiled when they are given', () => {
  it('supervise --daemon and supervise refuse a policy that does not load', async () => {
    expectRejected(await run(superviseCommand, ['--daemon', '--policy', 'long.yaml']));
    expectRejected(await run(superviseCommand, ['--policy', 'ok.yaml', '--policy', 'long.yaml']));
  });

  it('startDaemon refuses it before spawning a supervisor', async () => {
    let error: unknown;
    try {
      await startDaemon(
        statePaths(state),
        { policies: [path.join(dir, 'long.yaml')], logLevel: 'info' },
        process.env,
      );
    } catch (e) {
      error = e;
    }
    expectRejected({ error });
  });

  it('launch refuses a --policy that does not load, before anything is started', async () => {
    expectRejected(await run(launchCommand, ['--name', 'w1', '--workdir', 'ws', '--policy', 'long.yaml']));
  });

  it('a policy that loads passes; a missing file is rejected too', () => {
    expect(() => assertPoliciesLoad([path.join(dir, 'ok.yaml')], 'supervise')).not.toThrow();
    expect(() => assertPoliciesLoad([path.join(dir, 'missing.yaml')], 'supervise')).toThrow(
      /FILE_UNREADABLE/,
    );
  });
});
