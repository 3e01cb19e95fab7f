// toolgate supervise: run the supervisor (foreground), start it in the background (--daemon), or stop it.
import path from 'node:path';
import { parse } from '../args.js';
import { println, type Command } from '../command.js';
import { ensureState } from '../../core/state.js';
import { assertPoliciesLoad, runSupervisor, startDaemon, stopDaemon } from '../../gate/run-supervisor.js';

export const superviseCommand: Command = {
  name: 'supervise',
  summary: 'run the supervisor that decides every tool call (--daemon, --stop)',
  help: `usage: toolgate supervise [--daemon | --stop] [--policy FILE]... [--log-level L]

One supervisor per state directory (a lock) watches every pending tool call of every worker, decides it under
the worker's policy layers, records the decision and answers the worker's gate hook. It also records every
worker's events. Foreground by default (Ctrl-C stops it); --daemon returns once it is ready.
  --policy FILE   a policy layer every worker gets (repeatable); each is compiled at once, and one that does not
                  load (e.g. an escalation timeout over 30m) is refused with its file:line, starting nothing
  --log-level L   pino level for <state>/supervisor.log (default info)
exit status: 0 ok (--stop: also when none ran); 1 failure (e.g. one already runs); 2 usage error.`,
  async run(ctx) {
    const { values } = parse(
      'supervise',
      ctx.argv,
      {
        daemon: { type: 'boolean', default: false },
        stop: { type: 'boolean', default: false },
        policy: { type: 'string', multiple: true, default: [] },
        'log-level': { type: 'string', default: 'info' },
      },
      false,
    );
    const opts = {
      policies: values.policy.map((p) => path.resolve(ctx.cwd, p)),
      logLevel: values['log-level'],
    };
    // A policy that does not load is refused before anything is created or started.
    if (!values.stop) assertPoliciesLoad(opts.policies, 'supervise');
    const s = ensureState(ctx.env);
    if (values.stop) {
      println(
        ctx.stderr,
        (await stopDaemon(s)) ? 'toolgate: supervisor stopped' : 'toolgate: no supervisor was running',
      );
      return 0;
    }
    if (values.daemon) {
      const r = await startDaemon(s, opts, ctx.env);
      println(
        ctx.stderr,
        r.started
          ? `toolgate: supervisor started (pid ${r.pid}) for ${s.root}`
          : `toolgate: a supervisor already runs (pid ${r.pid})`,
      );
      return 0;
    }
    return runSupervisor(s, opts, (info) =>
      println(ctx.stderr, `toolgate: supervisor ready (pid ${info.pid}) for ${s.root}`),
    );
  },
};
