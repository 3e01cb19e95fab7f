// toolgate stop: end a worker gracefully (/exit), then make sure its session and state are gone. Idempotent.
import { parse } from '../args.js';
import { println, type Command } from '../command.js';
import { existingState } from '../../core/state.js';
import { isToolgateError } from '../../core/errors.js';
import { resolveWorker } from '../../workers/registry.js';
import { stopWorker } from '../../workers/stop.js';
import { workerArg } from '../worker-ref.js';

export const stopCommand: Command = {
  name: 'stop',
  summary: 'stop a worker (/exit, wait for session_end, then kill and clean up); idempotent',
  help: `usage: toolgate stop WORKER

Sends /exit, waits up to 10 s for session_end, kills the tmux session if still there, and removes the worker's
record and events. Stopping a worker that is already gone succeeds.
exit status: 0 stopped or already gone; 1 failure; 2 usage error.`,
  async run(ctx) {
    const { positionals } = parse('stop', ctx.argv, {});
    const ref = workerArg('stop', positionals);
    let s;
    let rec;
    try {
      s = existingState(ctx.env);
      rec = resolveWorker(s, ref);
    } catch (e) {
      if (isToolgateError(e) && (e.code === 'WORKER_NOT_FOUND' || e.code === 'STATE_DIR_UNSAFE')) {
        println(ctx.stderr, `toolgate: no worker known as "${ref}"; nothing to stop`);
        return 0;
      }
      throw e;
    }
    const how = await stopWorker(s, rec);
    println(ctx.stdout, `Worker ${rec.name} (${rec.worker_id}) stopped (${how}).`);
    return 0;
  },
};
