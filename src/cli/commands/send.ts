// toolgate send: paste a prompt into a worker and confirm Claude Code submitted it.
import fs from 'node:fs';
import { parse, seconds } from '../args.js';
import type { Command } from '../command.js';
import { ToolgateError } from '../../core/errors.js';
import { sendPrompt } from '../../workers/send.js';
import { openWorker, workerArg } from '../worker-ref.js';

// The prompt text from the second positional, or a file with --file (`-` = stdin).
export async function promptText(
  command: string,
  positionals: string[],
  file: string | undefined,
  stdin: NodeJS.ReadableStream,
): Promise<string> {
  if (file !== undefined) {
    if (file === '-') {
      const chunks: Buffer[] = [];
      for await (const c of stdin) chunks.push(Buffer.from(c as Buffer));
      return Buffer.concat(chunks).toString('utf8');
    }
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new ToolgateError('NOT_FOUND', `${command}: cannot read ${file}: ${(e as Error).message}`, {
        hint: 'give an existing file',
      });
    }
  }
  const text = positionals[1];
  if (text === undefined)
    throw new ToolgateError('USAGE', `${command}: missing the prompt text`, {
      hint: `toolgate ${command} WORKER "text" (or --file F)`,
    });
  return text;
}

export const sendCommand: Command = {
  name: 'send',
  summary: 'send a prompt to a worker (any size, multi-line), confirmed by user_prompt_submit',
  help: `usage: toolgate send WORKER TEXT [--queue]
       toolgate send WORKER --file F|-  [--queue]

Pastes the text (bracketed paste through a tmux buffer: any size, multi-line) and presses Enter, retrying Enter
until the worker's user_prompt_submit event confirms it. Text starting with "!" is refused: Claude Code would run it
as a shell command with no hook.
  --queue     send even while the worker is in the middle of a turn (Claude Code queues it)
  --timeout S seconds to wait for the confirmation (default 10)
exit status: 0 submitted (or queued); 1 not confirmed, worker busy or gone; 2 usage error.`,
  async run(ctx) {
    const { values, positionals } = parse('send', ctx.argv, {
      queue: { type: 'boolean', default: false },
      file: { type: 'string' },
      timeout: { type: 'string' },
    });
    const { s, rec } = openWorker(ctx.env, workerArg('send', positionals));
    const text = await promptText('send', positionals, values.file, ctx.stdin);
    const r = await sendPrompt(s, rec, text, {
      queue: values.queue,
      submitTimeoutMs: seconds('send', '--timeout', values.timeout, 10) * 1000,
      retryMs: 2000,
    });
    if (r.queued) ctx.stderr.write(`toolgate: worker "${rec.name}" is mid-turn; the prompt was queued\n`);
    return 0;
  },
};
