// toolgate doctor: checks that the gate holds on this machine, and says what to fix when it would not.
import fs from 'node:fs';
import { parse } from '../args.js';
import { println, type Command } from '../command.js';
import {
  claudeVersion,
  findClaude,
  isTested,
  supportsOnFailure,
  TESTED_VERSIONS,
  ON_FAILURE_SINCE,
} from '../../workers/claude-bin.js';
import { hooksDisabledBy, SCRUBBED } from '../../workers/worker-env.js';
import { stateRoot, checkPrivateDir } from '../../core/state.js';
import { runningSupervisor } from '../../gate/lock.js';
import { statePaths } from '../../core/state.js';
import { execa } from 'execa';
import { probeGate } from '../../doctor/probe.js';

type Level = 'ok' | 'warn' | 'fail';
interface Check {
  level: Level;
  what: string;
  hint?: string;
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check that the gate holds on this machine (runs claude once against a local scripted model)',
  help: `usage: toolgate doctor [--json] [--no-probe]

Checks the Claude Code version against the versions toolgate is tested with (and whether it supports
"onFailure": "block", which turns a crashed or killed hook into a block), settings and variables that would
switch hooks off, tmux, and the state directory; then runs the installed claude once, headless, in a private
sandbox against a local scripted model, and checks on disk that an allowed call ran and a denied one did not.
  --no-probe   skip running claude
exit status: 0 the gate holds (warnings allowed); 1 a check failed; 2 usage error.`,
  async run(ctx) {
    const { values } = parse(
      'doctor',
      ctx.argv,
      { json: { type: 'boolean', default: false }, 'no-probe': { type: 'boolean', default: false } },
      false,
    );
    const checks: Check[] = [];
    let bin: string | undefined;
    let version: string | undefined;
    try {
      bin = findClaude(ctx.env);
      version = await claudeVersion(bin);
      checks.push(
        isTested(version)
          ? { level: 'ok', what: `Claude Code ${version} (${bin}) is a tested version` }
          : {
              level: 'warn',
              what: `Claude Code ${version} (${bin}) has not been tested with toolgate`,
              hint: `tested: ${TESTED_VERSIONS.join(', ')}`,
            },
      );
      checks.push(
        supportsOnFailure(version)
          ? {
              level: 'ok',
              what: `"onFailure": "block" is supported: a crashed, killed or timed-out gate hook blocks the call`,
            }
          : {
              level: 'warn',
              what: `Claude Code ${version} ignores "onFailure" (added in ${ON_FAILURE_SINCE}): the gate's own wrapper is the only guard, so a gate hook killed with SIGKILL or timed out lets the call run`,
              hint: `upgrade Claude Code to ${ON_FAILURE_SINCE} or later`,
            },
      );
    } catch (e) {
      checks.push({
        level: 'fail',
        what: (e as Error).message,
        hint: 'install Claude Code or set TOOLGATE_CLAUDE_BIN',
      });
    }
    const disabledBy = hooksDisabledBy(ctx.env);
    checks.push(
      disabledBy
        ? {
            level: 'fail',
            what: `${disabledBy} sets disableAllHooks: every hook, the gate included, is off`,
            hint: `remove disableAllHooks from ${disabledBy}`,
          }
        : { level: 'ok', what: 'no user or managed settings switch hooks off' },
    );
    const killSwitches = ['CLAUDE_CODE_SIMPLE', 'CLAUDE_CODE_SAFE_MODE'].filter((k) => ctx.env[k]);
    checks.push(
      killSwitches.length
        ? {
            level: 'warn',
            what: `${killSwitches.join(', ')} set in this shell: it would switch hooks off in a claude started from here (toolgate launch removes it)`,
          }
        : { level: 'ok', what: 'no hook kill-switch variables in this environment' },
    );
    void SCRUBBED;
    const tmux = await execa('tmux', ['-V'], { reject: false });
    checks.push(
      tmux.exitCode === 0
        ? { level: 'ok', what: `${String(tmux.stdout).trim()} found` }
        : { level: 'fail', what: 'tmux is not installed', hint: 'apt-get install tmux' },
    );
    const root = stateRoot(ctx.env);
    if (fs.existsSync(root)) {
      try {
        checkPrivateDir(root);
        const pid = runningSupervisor(statePaths(root));
        checks.push({
          level: 'ok',
          what: `state directory ${root} is private${pid ? `; supervisor running (pid ${pid})` : '; no supervisor running (launch starts one)'}`,
        });
      } catch (e) {
        checks.push({ level: 'fail', what: (e as Error).message });
      }
    } else {
      checks.push({
        level: 'ok',
        what: `state directory ${root} will be created (mode 0700) at the first launch`,
      });
    }
    if (bin && version && !values['no-probe']) {
      try {
        const p = await probeGate(bin, version);
        const holds = p.allowedRan && !p.deniedRan;
        checks.push(
          holds
            ? {
                level: 'ok',
                what: 'probe: an allowed call ran and a denied call (switching hooks off) was blocked by the real CLI',
              }
            : {
                level: 'fail',
                what: `probe: allowed call ${p.allowedRan ? 'ran' : 'did NOT run'}, denied call ${p.deniedRan ? 'RAN' : 'was blocked'}`,
                hint: `claude said: ${p.detail}`,
              },
        );
      } catch (e) {
        checks.push({ level: 'fail', what: `probe failed: ${(e as Error).message}` });
      }
    }
    if (values.json) println(ctx.stdout, JSON.stringify(checks, null, 2));
    else
      for (const c of checks)
        println(
          ctx.stdout,
          `${c.level === 'ok' ? 'ok  ' : c.level === 'warn' ? 'WARN' : 'FAIL'}  ${c.what}${c.hint ? `\n      ${c.hint}` : ''}`,
        );
    return checks.some((c) => c.level === 'fail') ? 1 : 0;
  },
};
