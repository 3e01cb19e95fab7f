// toolgate's command line: the command table, global --help/--version, error rendering and exit statuses.
import { createRequire } from 'node:module';
import { EXIT, formatError, isToolgateError } from '../core/errors.js';
import type { Command, CommandContext } from './command.js';
import { commands } from './commands/index.js';

const require = createRequire(import.meta.url);
const VERSION = (require('../../package.json') as { version: string }).version;

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: toolgate <command> [options]',
    '',
    'toolgate drives unattended Claude Code workers in tmux and decides every tool call they make.',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "A worker is named by its name or its session id. `toolgate <command> --help` shows a command's options.",
    'exit status: 0 ok, 1 operational failure (or a denial / failed test where a command says so), 2 usage error,',
    '             124 a wait that timed out.',
    'environment: TOOLGATE_STATE_DIR (state directory), TOOLGATE_TMUX_SOCKET (tmux socket path),',
    '             TOOLGATE_CLAUDE_BIN (claude binary), TOOLGATE_CONFIG_DIR (trusted directories).',
  ].join('\n');
}

export async function main(argv: string[], ctx: Omit<CommandContext, 'argv'>): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    ctx.stdout.write(usage() + '\n');
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-V') {
    ctx.stdout.write(`toolgate ${VERSION}\n`);
    return EXIT.ok;
  }
  const cmd: Command | undefined = commands.find((c) => c.name === name);
  if (!cmd) {
    ctx.stderr.write(`error[USAGE] unknown command "${name}"\nhint: run \`toolgate --help\` for the list\n`);
    return EXIT.usage;
  }
  if (rest[0] === '--help' || rest[0] === '-h') {
    ctx.stdout.write(cmd.help.trimEnd() + '\n');
    return EXIT.ok;
  }
  try {
    return await cmd.run({ ...ctx, argv: rest });
  } catch (e) {
    if (isToolgateError(e)) {
      ctx.stderr.write(formatError(e) + '\n');
      return e.exitCode;
    }
    ctx.stderr.write(`error[INTERNAL] ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.failure;
  }
}
