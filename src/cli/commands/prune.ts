// toolgate prune: forget workers whose tmux session is gone (records, events), and stray queue files.
import fs from 'node:fs';
import { parse } from '../args.js';
import { println, type Command } from '../command.js';
import { existingState } from '../../core/state.js';
import { listWorkers, removeWorker } from '../../workers/registry.js';
import { hasSession, tmuxOn } from '../../workers/tmux.js';

export const pruneCommand: Command = {
  name: 'prune',
  summary: 'remove the state of workers that are gone',
  help: `usage: toolgate prune

Removes the record and events of every worker whose tmux session no longer exists. The audit trail is kept.
exit status: 0 ok; 2 usage error.`,
  async run(ctx) {
    parse('prune', ctx.argv, {}, false);
    const s = existingState(ctx.env);
    const pruned: string[] = [];
    for (const w of listWorkers(s)) {
      if (await hasSession(tmuxOn(w.tmux_socket), w.tmux_name)) continue;
      removeWorker(s, w.worker_id);
      fs.rmSync(w.events_file, { force: true });
      pruned.push(w.name);
    }
    println(
      ctx.stderr,
      pruned.length ? `Pruned ${pruned.length} dead worker(s): ${pruned.join(', ')}` : 'Nothing to prune',
    );
    return 0;
  },
};
