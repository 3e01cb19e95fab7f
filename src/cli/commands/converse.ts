// toolgate converse: send a prompt, wait for the end of the turn, print the reply.
import { parse, seconds } from '../args.js';
import { println, type Command } from '../command.js';
import { converse } from '../../workers/converse.js';
import { openWorker, workerArg } from '../worker-ref.js';
import { promptText } from './send.js';

export const converseCommand: Command = {
  name: 'converse',
  summary: 'send a prompt and print the final reply of that turn',
  help: `usage: toolgate converse WORKER TEXT [--timeout S] [--with-turn]
       toolgate converse WORKER --file F|- [--timeout S] [--with-turn]

Sends the prompt, waits (on file events) for the end of this turn — stop, stop_failure, session_end, or an
interrupt, which fires no Stop — and prints the final assistant text.
  --timeout S   seconds for the whole exchange (default 120)
  --with-turn   print the whole turn as markdown instead (as \`toolgate turn\`)
exit status: 0 replied; 1 the turn failed, was interrupted or the worker ended; 2 usage; 124 timed out.`,
  async run(ctx) {
    const { values, positionals } = parse('converse', ctx.argv, {
      timeout: { type: 'string' },
      'with-turn': { type: 'boolean', default: false },
      file: { type: 'string' },
    });
    const { s, rec } = openWorker(ctx.env, workerArg('converse', positionals));
    const text = await promptText('converse', positionals, values.file, ctx.stdin);
    const reply = await converse(s, rec, text, {
      timeoutMs: seconds('converse', '--timeout', values.timeout, 120) * 1000,
      withTurn: values['with-turn'],
    });
    println(ctx.stdout, reply.replace(/\n+$/, ''));
    return 0;
  },
};
