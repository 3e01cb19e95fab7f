// toolgate status: idle, working, awaiting-decision, terminated, gone or unknown.
import { parse } from '../args.js';
import { println, type Command } from '../command.js';
import { workerStatus } from '../../workers/status.js';
import { openWorker, workerArg } from '../worker-ref.js';

export const statusCommand: Command = {
  name: 'status',
  summary: "a worker's state: idle, working, awaiting-decision, terminated, gone, unknown",
  help: `usage: toolgate status WORKER [--json]

idle               waiting for a prompt            working     in a turn
awaiting-decision  a tool call waits for the gate  terminated  its Claude session ended
gone               its tmux session is gone        unknown     no events yet
exit status: 0 ok; 1 unknown worker; 2 usage error.`,
  async run(ctx) {
    const { values, positionals } = parse('status', ctx.argv, { json: { type: 'boolean', default: false } });
    const { s, rec } = openWorker(ctx.env, workerArg('status', positionals));
    const st = await workerStatus(s, rec);
    println(ctx.stdout, values.json ? JSON.stringify({ name: rec.name, session_id: rec.worker_id, status: st }) : st);
    return 0;
  },
};
