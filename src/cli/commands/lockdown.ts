// toolgate lockdown on|off [WORKER]: deny every call of every worker (or of one) at once, without stopping them.
import os from 'node:os';
import { parse } from '../args.js';
import { println, type Command } from '../command.js';
import { ToolgateError } from '../../core/errors.js';
import { existingState } from '../../core/state.js';
import { writeFileAtomic } from '../../core/fsx.js';
import { resolveWorker } from '../../workers/registry.js';
import { runningSupervisor } from '../../gate/lock.js';
import { lockdownWhy, readLockdown, type LockdownFile } from '../../gate/lockdown.js';

export const lockdownCommand: Command = {
  name: 'lockdown',
  summary: 'deny every tool call of every worker (or one) at once: on, off, or show',
  help: `usage: toolgate lockdown on [WORKER] [--reason TEXT]
       toolgate lockdown off [WORKER | --all]
       toolgate lockdown [status] [--json]

on    every tool call of every worker (or of WORKER) is denied from now on, including calls already waiting for a
      person; the workers keep running and the model is told to stop and wait. Grants do not lift a lockdown.
      --reason TEXT is shown to the model and recorded. Each \`on\` sets its own reason: without --reason it
      has none (an earlier reason is not kept). The lockdown of all workers and each worker's own keep their
      reasons apart.
off   lifts the lockdown of all workers only: a worker locked down on its own (\`on WORKER\`) stays locked down.
off WORKER   lifts that worker's own lockdown (not possible while all workers are locked down).
off --all    lifts every lockdown: that of all workers and every worker's own.
The change is written to <state>/lockdown.json at once (the gate reads it on every call); the supervisor records
each change in the audit trail (kind lockdown). A lockdown file that cannot be read locks every worker down
(\`off\` or \`off --all\` writes a good one).
exit status: 0 ok; 1 failure; 2 usage error.`,
  async run(ctx) {
    const { values, positionals } = parse('lockdown', ctx.argv, {
      reason: { type: 'string' },
      by: { type: 'string' },
      json: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
    });
    const [action = 'status', ref, ...more] = positionals;
    if (more.length || !['on', 'off', 'status'].includes(action)) {
      throw new ToolgateError('USAGE', 'lockdown takes on, off or status, and at most one worker', {
        hint: 'toolgate lockdown on --reason "incident"',
      });
    }
    if (values.all && (action !== 'off' || ref)) {
      throw new ToolgateError('USAGE', '--all goes with off and no worker', {
        hint: 'toolgate lockdown off --all',
      });
    }
    if (values.reason !== undefined && action !== 'on') {
      throw new ToolgateError('USAGE', '--reason goes with on', {
        hint: 'toolgate lockdown on --reason "incident"',
      });
    }
    const s = existingState(ctx.env);
    const current = readLockdown(s.lockdown);
    const nameOf = (id: string) => current.names[id] ?? id;
    if (action === 'status') {
      if (values.json) println(ctx.stdout, JSON.stringify(current));
      else if (current.error) println(ctx.stdout, `lockdown: ALL workers (${current.error})`);
      else {
        const own = current.workers.map((w) => {
          const why = lockdownWhy({ ...current, all: false }, w);
          return `${nameOf(w)}${why ? ` (${why})` : ''}`;
        });
        if (current.all)
          println(
            ctx.stdout,
            `lockdown: ALL workers${current.reason ? ` (${current.reason})` : ''}${current.by ? `, by ${current.by}` : ''}${own.length ? `; on their own: ${own.join(', ')}` : ''}`,
          );
        else if (own.length) println(ctx.stdout, `lockdown: ${own.join(', ')}`);
        else println(ctx.stdout, 'lockdown: off');
      }
      return 0;
    }
    const by = values.by ?? `${os.userInfo().username}@${os.hostname()}`;
    // Each lockdown keeps its own reason: that of all workers in `reason`, each worker's in `reasons`.
    const reasons: Record<string, string> = {};
    if (!current.error)
      for (const w of current.workers) {
        const why = lockdownWhy({ ...current, all: false }, w);
        if (why) reasons[w] = why;
      }
    const next: LockdownFile = {
      v: 1,
      all: current.error ? false : current.all,
      workers: current.error ? [] : [...current.workers],
      names: current.error ? {} : { ...current.names },
      ...(current.reason && !current.error ? { reason: current.reason } : {}),
      reasons,
      by,
      updated_at: new Date().toISOString(),
    };
    let what: string;
    if (ref) {
      const w = resolveWorker(s, ref);
      what = `worker ${w.name}`;
      if (action === 'on') {
        if (!next.workers!.includes(w.worker_id)) next.workers!.push(w.worker_id);
        next.names![w.worker_id] = w.name;
        if (values.reason) reasons[w.worker_id] = values.reason;
        else delete reasons[w.worker_id];
      } else {
        if (current.all && !current.error) {
          throw new ToolgateError('USAGE', `every worker is locked down; ${w.name} cannot be let out alone`, {
            hint: 'lift the lockdown of all workers with `toolgate lockdown off`, then lock the others one by one',
          });
        }
        next.workers = next.workers!.filter((x) => x !== w.worker_id);
        delete next.names![w.worker_id];
        delete reasons[w.worker_id];
      }
    } else if (action === 'on') {
      what = 'all workers';
      next.all = true;
      if (values.reason) next.reason = values.reason;
      else delete next.reason;
    } else {
      what = values.all ? 'every lockdown' : 'all workers';
      next.all = false;
      delete next.reason;
      if (values.all) {
        next.workers = [];
        next.names = {};
        for (const k of Object.keys(reasons)) delete reasons[k];
      }
    }
    if (!Object.keys(reasons).length) delete next.reasons;
    writeFileAtomic(s.lockdown, JSON.stringify(next) + '\n');
    println(ctx.stdout, `lockdown ${action}: ${what}`);
    if (action === 'off' && !ref && !values.all && next.workers!.length)
      println(
        ctx.stderr,
        `note: still locked down on their own: ${next.workers!.map((w) => next.names![w] ?? w).join(', ')} (\`toolgate lockdown off WORKER\` lifts one, \`toolgate lockdown off --all\` every lockdown)`,
      );
    if (!runningSupervisor(s))
      println(
        ctx.stderr,
        'note: no supervisor is running; it will record this change when it starts (until then every call is denied anyway)',
      );
    return 0;
  },
};
