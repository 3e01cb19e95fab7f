// toolgate wait: block until a worker emits an event (after the current end of its events, by default).
import { parse, seconds } from '../args.js';
import { println, type Command } from '../command.js';
import { ToolgateError } from '../../core/errors.js';
import { countLines, validateEventName, waitForEvent } from '../../workers/events.js';
import { openWorker, workerArg } from '../worker-ref.js';

export const waitCommand: Command = {
  name: 'wait',
  summary: 'wait for a worker event (stop, session_end, ...) and print it',
  help: `usage: toolgate wait WORKER EVENT [--timeout S] [--after-line K]

Waits for the next EVENT after line K of the worker's events file (default: its current end, so an old event
never answers a new wait) and prints that event's JSON line.
events: session_start user_prompt_submit pre_tool_use post_tool_use stop stop_failure session_end notification
  --timeout S     seconds (default 60)
  --after-line K  only events after line K (lines are numbered from 1; see \`toolgate events\`)
exit status: 0 the event arrived; 1 failure; 2 usage error; 124 timed out (stderr says which --after-line to retry with).`,
  async run(ctx) {
    const { values, positionals } = parse('wait', ctx.argv, {
      timeout: { type: 'string' },
      'after-line': { type: 'string' },
    });
    const ref = workerArg('wait', positionals);
    if (!positionals[1])
      throw new ToolgateError('USAGE', 'wait: missing the event name', { hint: 'toolgate wait w1 stop' });
    const name = validateEventName(positionals[1]);
    const { rec } = openWorker(ctx.env, ref);
    let after = countLines(rec.events_file);
    if (values['after-line'] !== undefined) {
      after = Number(values['after-line']);
      if (!Number.isInteger(after) || after < 0)
        throw new ToolgateError(
          'USAGE',
          `wait: --after-line expects a line number, got "${values['after-line']}"`,
          { hint: 'for example --after-line 12' },
        );
    }
    const hit = await waitForEvent(rec.events_file, (e) => e.event === name, {
      afterLine: after,
      timeoutMs: seconds('wait', '--timeout', values.timeout, 60) * 1000,
    });
    println(ctx.stdout, JSON.stringify(hit.event));
    return 0;
  },
};
