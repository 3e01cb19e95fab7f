// toolgate launch: start a worker and print {session_id, tmux_name, events_file}.
import { parse, seconds } from '../args.js';
import { println, type Command } from '../command.js';
import { ToolgateError } from '../../core/errors.js';
import { launchWorker } from '../../workers/launch.js';
import { parseEnvPairs } from '../../workers/worker-env.js';
import path from 'node:path';

export const launchCommand: Command = {
  name: 'launch',
  summary: 'start a worker (Claude Code in tmux, gated by the supervisor)',
  help: `usage: toolgate launch --name N --workdir D [options] [-- claude-args...]

Starts Claude Code in a detached tmux session with toolgate's plugin, a session id assigned up front, bypass
mode with its warning pre-answered, and an exact environment (provider and credential variables passed on,
Claude's own session variables and hook kill switches removed). Starts a supervisor if none runs.
Prints {"session_id","tmux_name","events_file"} once the worker's session_start event arrives.

options:
  --name N             worker name: letters, digits, "-" and "_" (also the tmux session name)
  --workdir D          the workspace (Claude Code's cwd)
  --trust              trust D for toolgate (answer Claude Code's workspace-trust dialog for it)
  --policy FILE        a policy layer for this worker (repeatable; later layers cannot lift earlier denies);
                       compiled at once: one that does not load is refused with its file:line, nothing started
  --observe            decide and record every call, block nothing (policy tuning)
  --project-settings   also load the workspace's .claude settings (default: --setting-sources user only,
                       so a planted disableAllHooks cannot switch the gate off)
  --env KEY=VALUE      an extra variable for the worker (repeatable)
  --timeout S          seconds to wait for the session to start (default 30)
exit status: 0 started; 1 failure (the pane's last lines are shown, nothing is left behind); 2 usage error.`,
  async run(ctx) {
    const dash = ctx.argv.indexOf('--');
    const own = dash < 0 ? ctx.argv : ctx.argv.slice(0, dash);
    const claudeArgs = dash < 0 ? [] : ctx.argv.slice(dash + 1);
    const { values, positionals } = parse(
      'launch',
      own,
      {
        name: { type: 'string' },
        workdir: { type: 'string' },
        trust: { type: 'boolean', default: false },
        policy: { type: 'string', multiple: true, default: [] },
        observe: { type: 'boolean', default: false },
        'project-settings': { type: 'boolean', default: false },
        env: { type: 'string', multiple: true, default: [] },
        timeout: { type: 'string' },
      },
      false,
    );
    void positionals;
    if (!values.name || !values.workdir) {
      throw new ToolgateError('USAGE', 'launch needs --name and --workdir', {
        hint: 'toolgate launch --name w1 --workdir ~/project',
      });
    }
    const r = await launchWorker(
      ctx.env,
      {
        name: values.name,
        workdir: path.resolve(ctx.cwd, values.workdir),
        claudeArgs,
        trust: values.trust,
        projectSettings: values['project-settings'],
        policies: values.policy.map((p) => path.resolve(ctx.cwd, p)),
        observe: values.observe,
        env: parseEnvPairs(values.env),
        startTimeoutMs:
          seconds('launch', '--timeout', values.timeout, Number(ctx.env.TOOLGATE_START_TIMEOUT ?? 30)) * 1000,
      },
      (note) => println(ctx.stderr, `toolgate: ${note}`),
    );
    println(ctx.stdout, JSON.stringify(r, null, 2));
    return 0;
  },
};
