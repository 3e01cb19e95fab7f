// toolgate status: idle, working, awaiting-decision, terminated, gone or unknown.
import { parse } from '../args.js';
import { println, type Command } from '../command.js';
import { workerStatus } from '../../workers/status.js';
import { openWorker, workerArg } from '../worker-ref.js';
import { supervisorProblems } from './pending.js';
import { isLockedDown, lockdownWhy, readLockdown } from '../../gate/lockdown.js';

export const statusCommand: Command = {
  name: 'status',
  summary: "a worker's state: idle, working, awaiting-decision, terminated, gone, unknown",
  help: `usage: toolgate status WORKER [--json]

idle               waiting for a prompt            working     in a turn
awaiting-decision  a tool call waits for the gate  terminated  its Claude session ended
gone               its tmux session is gone        unknown     no events yet
A lockdown of the worker and problems the supervisor reports (a policy file that fails to load: the last good
policy stays in force) are printed on stderr (in --json: "lockdown" and "problems").
exit status: 0 ok; 1 unknown worker; 2 usage error.`,
  async run(ctx) {
    const { values, positionals } = parse('status', ctx.argv, { json: { type: 'boolean', default: false } });
    const { s, rec } = openWorker(ctx.env, workerArg('status', positionals));
    const st = await workerStatus(s, rec);
    const problems = supervisorProblems(s);
    const lock = readLockdown(s.lockdown);
    const locked = isLockedDown(lock, rec.worker_id);
    if (values.json) {
      println(
        ctx.stdout,
        JSON.stringify({
          name: rec.name,
          session_id: rec.worker_id,
          status: st,
          ...(locked ? { lockdown: true } : {}),
          ...(problems.length ? { problems } : {}),
        }),
      );
      return 0;
    }
    println(ctx.stdout, st);
    // On stderr, so scripts reading the bare state on stdout are not disturbed.
    if (locked) {
      const why = lockdownWhy(lock, rec.worker_id);
      println(
        ctx.stderr,
        `lockdown: every tool call of ${rec.name} is denied${why ? ` (${why})` : ''}; lift with \`toolgate lockdown off${lock.all ? '' : ` ${rec.name}`}\``,
      );
    }
    for (const p of problems) println(ctx.stderr, `problem: ${p}`);
    return 0;
  },
};
