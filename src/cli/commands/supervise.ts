// toolgate supervise: run the supervisor (foreground), start it in the background (--daemon), or stop it.
import path from 'node:path';
import { parse } from '../args.js';
import { println, type Command } from '../command.js';
import { ensureState } from '../../core/state.js';
import { ToolgateError } from '../../core/errors.js';
import { assertPoliciesLoad, runSupervisor, startDaemon, stopDaemon } from '../../gate/run-supervisor.js';

export const superviseCommand: Command = {
  name: 'supervise',
  summary: 'run the supervisor that decides every tool call (--daemon, --stop)',
  help: `usage: toolgate supervise [--daemon | --stop] [--policy FILE]... [--log-level L] [--audit-rotate-mb N]

One supervisor per state directory (a lock) watches every pending tool call of every worker, decides it under
the worker's policy layers, records the decision and answers the worker's gate hook. It also records every
worker's events. Foreground by default (Ctrl-C stops it); --daemon returns once it is ready.
  --policy FILE   a policy layer every worker gets (repeatable); each is compiled at once, and one that does not
                  load (e.g. an escalation timeout over 30m) is refused with its file:line, starting nothing
  --log-level L   pino level for <state>/supervisor.log (default info)
  --audit-rotate-mb N  rotate the audit trail's active file beyond N MiB (default 64; the chain runs on across
                  files, a number from 0.001 up)
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
        'audit-rotate-mb': { type: 'string' },
      },
      false,
    );
    const rotateMb = values['audit-rotate-mb'] === undefined ? undefined : Number(values['audit-rotate-mb']);
    if (rotateMb !== undefined && !(Number.isFinite(rotateMb) && rotateMb >= 0.001))
      throw new ToolgateError(
        'USAGE',
        `--audit-rotate-mb must be a number of MiB, at least 0.001 (got "${values['audit-rotate-mb']}")`,
        { hint: 'e.g. --audit-rotate-mb 64 (the default)', exitCode: 2 },
      );
    const opts = {
      policies: values.policy.map((p) => path.resolve(ctx.cwd, p)),
      logLevel: values['log-level'],
      ...(rotateMb ? { auditRotateBytes: Math.round(rotateMb * 1024 * 1024) } : {}),
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
