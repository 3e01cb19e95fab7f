// toolgate handoff: how a person watches or takes over a worker's screen.
import { parse } from '../args.js';
import { println, type Command } from '../command.js';
import { openWorker, workerArg } from '../worker-ref.js';

export const handoffCommand: Command = {
  name: 'handoff',
  summary: "how to watch or take over a worker's screen",
  help: `usage: toolgate handoff WORKER

Prints the tmux command that attaches to the worker, and how to give it back. The worker keeps running.
exit status: 0 ok; 1 unknown worker; 2 usage error.`,
  async run(ctx) {
    const { positionals } = parse('handoff', ctx.argv, {});
    const { rec } = openWorker(ctx.env, workerArg('handoff', positionals));
    const sock = rec.tmux_socket ? `-S ${rec.tmux_socket} ` : '';
    println(
      ctx.stdout,
      `Worker "${rec.name}" (session ${rec.worker_id}) runs in tmux session "${rec.tmux_name}".`,
    );
    println(ctx.stdout, `  watch or take over:  tmux ${sock}attach -t '=${rec.tmux_name}'`);
    println(ctx.stdout, '  give it back:        detach with Ctrl-B d (the worker keeps running)');
    println(
      ctx.stdout,
      "Its tool calls stay gated while you type; calls a policy sends to the worker's own dialog are",
    );
    println(
      ctx.stdout,
      `answered on that screen. Do not \`toolgate stop ${rec.name}\` while someone is attached.`,
    );
    return 0;
  },
};
