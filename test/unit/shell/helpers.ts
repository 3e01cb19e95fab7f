// Test helpers for the shell parser: parse once initialised, and pick commands by name.
import { initShellParser, parseShell } from '../../../src/shell/index.js';
import type { ParsedShell, SimpleCommand } from '../../../src/shell/types.js';

await initShellParser();

export { parseShell };

/** Names of the commands found, in order. */
export function names(text: string): string[] {
  return parseShell(text).commands.map((c) => c.name);
}

/** The only command with this name; fails when there is none or several. */
export function only(parsed: ParsedShell, name: string): SimpleCommand {
  const found = parsed.commands.filter((c) => c.name === name);
  if (found.length !== 1)
    throw new Error(
      `expected one ${name}, got ${found.length}: ${JSON.stringify(parsed.commands.map((c) => c.name))}`,
    );
  return found[0] as SimpleCommand;
}

/** The single command of a text that holds one. */
export function one(text: string): SimpleCommand {
  const p = parseShell(text);
  if (p.commands.length !== 1)
    throw new Error(`expected one command in ${text}, got ${JSON.stringify(p.commands.map((c) => c.name))}`);
  return p.commands[0] as SimpleCommand;
}
