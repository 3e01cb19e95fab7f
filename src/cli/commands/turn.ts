// toolgate turn: the worker's last turn as markdown, read from the transcript its hooks reported.
import { parse } from '../args.js';
import type { Command } from '../command.js';
import { ToolgateError } from '../../core/errors.js';
import { readEvents } from '../../workers/events.js';
import { transcriptOf } from '../../workers/status.js';
import { lastTurn, readTranscript, renderTurnMarkdown } from '../../workers/transcript.js';
import { openWorker, workerArg } from '../worker-ref.js';

export const turnCommand: Command = {
  name: 'turn',
  summary: "print the worker's last turn as markdown",
  help: `usage: toolgate turn WORKER [--full]

Prints the last turn (from the last prompt on): thinking, text, tool calls and their results (results cut to 5
lines unless --full). Read from the transcript path the worker's hooks reported.
exit status: 0 ok; 1 no transcript or no turn yet; 2 usage error.`,
  async run(ctx) {
    const { values, positionals } = parse('turn', ctx.argv, { full: { type: 'boolean', default: false } });
    const { rec } = openWorker(ctx.env, workerArg('turn', positionals));
    const path = transcriptOf(readEvents(rec.events_file).map((e) => e.event));
    if (!path)
      throw new ToolgateError('TRANSCRIPT', `worker "${rec.name}" has reported no transcript yet`, {
        hint: 'wait for its session_start event',
      });
    const turn = lastTurn(readTranscript(path));
    if (!turn)
      throw new ToolgateError('TRANSCRIPT', `worker "${rec.name}" has no turn yet`, {
        hint: `send it a prompt: toolgate send ${rec.name} "..."`,
      });
    ctx.stdout.write(renderTurnMarkdown(turn, { full: values.full }).replace(/\n*$/, '\n'));
    return 0;
  },
};
