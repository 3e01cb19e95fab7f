// toolgate trust: mark a workspace as trusted, so launch answers Claude Code's trust dialog for it.
import path from 'node:path';
import { parse } from '../args.js';
import { println, type Command } from '../command.js';
import { ToolgateError } from '../../core/errors.js';
import { trustDir, trustedDirs } from '../../workers/trust.js';

export const trustCommand: Command = {
  name: 'trust',
  summary: 'trust a workspace for toolgate (answer its trust dialog at launch)',
  help: `usage: toolgate trust DIR
       toolgate trust --list

Claude Code asks whether to trust a new workspace; trusting loads its project settings, skills and MCP servers.
toolgate answers that dialog only for directories trusted here (stored in $TOOLGATE_CONFIG_DIR/trust.json,
default ~/.config/toolgate). The directory is stored as its real path.
exit status: 0 ok; 1 no such directory; 2 usage error.`,
  async run(ctx) {
    const { values, positionals } = parse('trust', ctx.argv, { list: { type: 'boolean', default: false } });
    if (values.list) {
      trustedDirs(ctx.env).forEach((d) => println(ctx.stdout, d));
      return 0;
    }
    if (!positionals[0])
      throw new ToolgateError('USAGE', 'trust: missing DIR', { hint: 'toolgate trust ~/project' });
    println(ctx.stdout, `trusted ${trustDir(ctx.env, path.resolve(ctx.cwd, positionals[0]))}`);
    return 0;
  },
};
