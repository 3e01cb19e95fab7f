// The shape of one subcommand: parse its own argv, do its job, return an exit status. Only bin exits.
import type { Readable, Writable } from 'node:stream';

export interface CommandContext {
  /** Arguments after the subcommand name. */
  argv: string[];
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  /** The word after `toolgate` (`policy` for `toolgate policy check`). */
  name: string;
  /** One line for `toolgate --help`. */
  summary: string;
  /** Full `--help` text: usage, options, output, exit codes. */
  help: string;
  /** Runs the command; throws ToolgateError for expected failures (rendered with code and hint). */
  run(ctx: CommandContext): Promise<number>;
}

// Writes one line to a stream.
export function println(out: Writable, text = ''): void {
  out.write(text + '\n');
}
