// toolgate lockdown on|off [WORKER]: deny every call of every worker (or of one) at once, without stopping them.
import os from 'node:os';
import { parse } from '../args.js';
import { println, type Command } from '../command.js';
import { ToolgateError } from '../../core/errors.js';
import { existingState } from '../../core/state.js';
import { writeFileAtomic } from '../../core/fsx.js';
import { resolveWorker } from '../../workers/registry.js';
import { runningSupervisor } from '../../gate/lock.js';
import { readLockdown, type LockdownFile } from '../../gate/lockdown.js';

export const lockdownCommand: Command = {
  name: 'lockdown',
  summary: 'deny every tool call of every worker (or one) at once: on, off, or show',
  help: `usage: toolgate lockdown on [WORKER] [--reason TEXT]
       toolgate lockdown off [WORKER]
       toolgate lockdown [status] [--json]

on    every tool call of every worker (or of WORKER) is denied from now on, including calls already waiting for a
      person; the workers keep running and the model is told to stop and wait. Grants do not lift a lockdown.
off   lifts it (for WORKER: only that worker's own lockdown; a lockdown of all workers is lifted with plain \`off\`).
The change is written to <state>/lockdown.json at once (the gate reads it on every call); the supervisor records
each change in the audit trail (kind lockdown). A lockdown file that cannot be read locks every worker down.
exit status: 0 ok; 1 failure; 2 usage error.`,
  async run(ctx) {
    const { values, positionals } = parse('lockdown', ctx.argv, {
      reason: { type: 'string' },
      by: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    const [action = 'status', ref, ...more] = positionals;
    if (more.length || !['on', 'off', 'status'].includes(action)) {
      throw new ToolgateError('USAGE', 'lockdown takes on, off or status, and at most one worker', {
        hint: 'toolgate lockdown on --reason "incident"',
      });
    }
    const s = existingState(ctx.env);
    const current = readLockdown(s.lockdown);
    if (action === 'status') {
      if (values.json) println(ctx.stdout, JSON.stringify(current));
      else if (current.error) println(ctx.stdout, `lockdown: ALL workers (${current.error})`);
      else if (current.all)
        println(
          ctx.stdout,
          `lockdown: ALL workers${current.reason ? ` (${current.reason})` : ''}${current.by ? `, by ${current.by}` : ''}`,
        );
      else if (current.workers.length)
        println(
          ctx.stdout,
          `lockdown: ${current.workers.map((w) => current.names[w] ?? w).join(', ')}${current.reason ? ` (${current.reason})` : ''}`,
        );
      else println(ctx.stdout, 'lockdown: off');
      return 0;
    }
    const by = values.by ?? `${os.userInfo().username}@${os.hostname()}`;
    const next: LockdownFile = {
      v: 1,
      all: current.error ? false : current.all,
      workers: [...current.workers],
      names: { ...current.names },
      ...(current.reason ? { reason: current.reason } : {}),
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
      } else {
        if (current.all && !current.error) {
          throw new ToolgateError('USAGE', `every worker is locked down; ${w.name} cannot be let out alone`, {
            hint: 'lift it for all with `toolgate lockdown off`, then lock the others one by one',
          });
        }
        next.workers = next.workers!.filter((x) => x !== w.worker_id);
        delete next.names![w.worker_id];
      }
    } else {
      what = 'all workers';
      if (action === 'on') next.all = true;
      else {
        next.all = false;
        next.workers = [];
        next.names = {};
      }
    }
    if (action === 'on' && values.reason) next.reason = values.reason;
    if (!next.all && !next.workers!.length) delete next.reason;
    writeFileAtomic(s.lockdown, JSON.stringify(next) + '\n');
    println(ctx.stdout, `lockdown ${action}: ${what}`);
    if (!runningSupervisor(s))
      println(
        ctx.stderr,
        'note: no supervisor is running; it will record this change when it starts (until then every call is denied anyway)',
      );
    return 0;
  },
};
