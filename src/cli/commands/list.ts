// toolgate list: the workers toolgate knows, with their state.
import { parse } from '../args.js';
import { println, type Command } from '../command.js';
import { existingState } from '../../core/state.js';
import { listWorkers } from '../../workers/registry.js';
import { workerStatus } from '../../workers/status.js';
import fs from 'node:fs';

export const listCommand: Command = {
  name: 'list',
  summary: 'list workers and their state',
  help: `usage: toolgate list [--all] [--json]

Prints STATUS NAME SESSION_ID CWD (tab-separated, with a header). Workers whose tmux session is gone are shown only
with --all. --json prints an array of {name, session_id, status, cwd, started_at, tmux_name}.
exit status: 0 ok; 2 usage error.`,
  async run(ctx) {
    const { values } = parse(
      'list',
      ctx.argv,
      { all: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
      false,
    );
    const s = existingStateOrNone(ctx.env);
    const rows = [];
    for (const w of s ? listWorkers(s) : []) {
      const status = await workerStatus(s!, w);
      if (status === 'gone' && !values.all) continue;
      rows.push({
        name: w.name,
        session_id: w.worker_id,
        status,
        cwd: w.cwd,
        started_at: w.started_at,
        tmux_name: w.tmux_name,
      });
    }
    if (values.json) {
      println(ctx.stdout, JSON.stringify(rows, null, 2));
      return 0;
    }
    println(ctx.stdout, ['STATUS', 'NAME', 'SESSION_ID', 'CWD'].join('\t'));
    for (const r of rows) println(ctx.stdout, [r.status, r.name, r.session_id, r.cwd].join('\t'));
    if (!rows.length) println(ctx.stderr, 'No workers found');
    return 0;
  },
};

function existingStateOrNone(env: NodeJS.ProcessEnv) {
  try {
    return existingState(env);
  } catch (e) {
    if (!fs.existsSync(String(env.TOOLGATE_STATE_DIR ?? ''))) return undefined;
    throw e;
  }
}
