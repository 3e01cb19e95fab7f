// toolgate events: print a worker's events (JSON lines), filtered, or follow them as they come.
import { parse } from '../args.js';
import { println, type Command } from '../command.js';
import { ToolgateError } from '../../core/errors.js';
import { EventTail, validateEventName, type NumberedEvent } from '../../workers/events.js';
import { watchFile } from '../../workers/file-watch.js';
import { openWorker, workerArg } from '../worker-ref.js';

export const eventsCommand: Command = {
  name: 'events',
  summary: "print a worker's events, or follow them",
  help: `usage: toolgate events WORKER [--last K] [--type T] [--follow] [--numbered]

Prints the worker's events as JSON lines ({seq, ts, event, ...}).
  --last K     only the last K (after --type filtering); with --follow, the backlog shown first (0 = none)
  --type T     only events of type T
  --follow     keep printing new events until interrupted
  --numbered   prefix each line with its line number and a tab (for --after-line)
exit status: 0 ok; 1 failure; 2 usage error.`,
  async run(ctx) {
    const { values, positionals } = parse('events', ctx.argv, {
      last: { type: 'string' },
      type: { type: 'string' },
      follow: { type: 'boolean', default: false },
      numbered: { type: 'boolean', default: false },
    });
    const { rec } = openWorker(ctx.env, workerArg('events', positionals));
    const type = values.type === undefined ? undefined : validateEventName(values.type);
    let last: number | undefined;
    if (values.last !== undefined) {
      last = Number(values.last);
      if (!Number.isInteger(last) || last < 0)
        throw new ToolgateError('USAGE', `events: --last expects a count, got "${values.last}"`, {
          hint: 'for example --last 5',
        });
    }
    const show = (e: NumberedEvent) =>
      println(ctx.stdout, (values.numbered ? `${e.line}\t` : '') + JSON.stringify(e.event));
    const tail = new EventTail(rec.events_file);
    let backlog = tail.read().filter((e) => !type || e.event.event === type);
    if (last !== undefined) backlog = last === 0 ? [] : backlog.slice(-last);
    backlog.forEach(show);
    if (!values.follow) return 0;
    await new Promise<void>((resolve) => {
      const w = watchFile(rec.events_file, () =>
        tail
          .read()
          .filter((e) => !type || e.event.event === type)
          .forEach(show),
      );
      const end = () => {
        w.close();
        resolve();
      };
      process.once('SIGINT', end);
      process.once('SIGTERM', end);
    });
    return 0;
  },
};
