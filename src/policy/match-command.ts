// Command patterns (argv prefix, regex) applied to one simple command of the parsed shell text.
import type { SimpleCommand } from '../shell/types.js';
import type { CommandPatternDoc } from './schema.js';

/** Returns why the command matched, or null. */
export type CommandTest = (cmd: SimpleCommand, line: string) => string | null;

/** Longest rebuilt command line a regex is run on; longer commands are "unknown" (escalate or deny). */
export const MAX_COMMAND_LINE = 16 * 1024;

// Rebuilds the line regexes see: the resolved command name, then the remaining words, joined by one space.
export function commandLine(cmd: SimpleCommand): string {
  let line = cmd.name;
  for (let i = 1; i < cmd.argv.length; i++) line += ' ' + cmd.argv[i];
  return line;
}

// Turns a pattern into its prefix words (strings and {prefix}) or undefined for a regex.
export function prefixWords(p: CommandPatternDoc): string[] | undefined {
  if (typeof p === 'string') return p.trim().split(/\s+/);
  return 'prefix' in p ? p.prefix : undefined;
}

// Compiles the patterns of one rule into a single test (any pattern may match).
export function compileCommandPatterns(patterns: readonly CommandPatternDoc[]): CommandTest {
  const tests = patterns.map((p): CommandTest => {
    const words = prefixWords(p);
    if (words) return compilePrefix(words);
    const source = (p as { regex: string }).regex;
    const re = new RegExp(source);
    return (_cmd, line) => (re.test(line) ? `command "${clip(line)}" matched regex /${source}/` : null);
  });
  if (tests.length === 1) return tests[0] as CommandTest;
  return (cmd, line) => {
    for (const t of tests) {
      const why = t(cmd, line);
      if (why) return why;
    }
    return null;
  };
}

function compilePrefix(words: string[]): CommandTest {
  const [head, ...rest] = words;
  const label = words.join(' ');
  return (cmd) => {
    if (head !== '*' && cmd.name !== head) return null;
    if (cmd.argv.length - 1 < rest.length) return null;
    for (let i = 0; i < rest.length; i++) {
      const w = rest[i];
      if (w !== '*' && cmd.argv[i + 1] !== w) return null;
    }
    return `command "${clip(commandLine(cmd))}" matched prefix [${label}]`;
  };
}

function clip(s: string): string {
  return s.length > 120 ? s.slice(0, 117) + '...' : s;
}
