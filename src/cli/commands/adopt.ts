// toolgate adopt: take back a worker after a reboot (or a lost tmux server) by resuming its Claude session.
import path from 'node:path';
import { parse, seconds } from '../args.js';
import { println, type Command } from '../command.js';
import { ToolgateError } from '../../core/errors.js';
import { launchWorker } from '../../workers/launch.js';
import { parseEnvPairs } from '../../workers/worker-env.js';

export const adoptCommand: Command = {
  name: 'adopt',
  summary: 'take back a worker after a reboot: resume its session in a new tmux session',
  help: `usage: toolgate adopt --name N --workdir D --session-id ID [--policy FILE]... [--timeout S] [-- claude-args...]

Starts \`claude --resume ID\` in a new tmux session named N, with the same gate, plugin and environment rules as
launch, and keeps the worker's earlier events (its session id stays the same). Use it when the tmux session is
gone but the Claude Code transcript survives (e.g. after a reboot). A stale record of the same session and name is
taken over (do not prune it first if you want its earlier events kept).
exit status: 0 adopted; 1 failure; 2 usage error.`,
  async run(ctx) {
    const dash = ctx.argv.indexOf('--');
    const own = dash < 0 ? ctx.argv : ctx.argv.slice(0, dash);
    const { values } = parse(
      'adopt',
      own,
      {
        name: { type: 'string' },
        workdir: { type: 'string' },
        'session-id': { type: 'string' },
        policy: { type: 'string', multiple: true, default: [] },
        env: { type: 'string', multiple: true, default: [] },
        timeout: { type: 'string' },
      },
      false,
    );
    if (!values.name || !values.workdir || !values['session-id']) {
      throw new ToolgateError('USAGE', 'adopt needs --name, --workdir and --session-id', {
        hint: 'toolgate adopt --name w1 --workdir ~/p --session-id ID',
      });
    }
    const r = await launchWorker(
      ctx.env,
      {
        name: values.name,
        workdir: path.resolve(ctx.cwd, values.workdir),
        claudeArgs: dash < 0 ? [] : ctx.argv.slice(dash + 1),
        trust: false,
        projectSettings: false,
        policies: values.policy.map((p) => path.resolve(ctx.cwd, p)),
        observe: false,
        env: parseEnvPairs(values.env),
        startTimeoutMs: seconds('adopt', '--timeout', values.timeout, 30) * 1000,
        resume: values['session-id'],
      },
      (note) => println(ctx.stderr, `toolgate: ${note}`),
    );
    println(ctx.stdout, JSON.stringify(r, null, 2));
    return 0;
  },
};
